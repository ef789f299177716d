"""Git collector against real repositories built with ``git commit`` (tests/gitrepo.py).

Most checks go through the real runner into a DuckDB file in tmp_path; the
incremental ones also call ``collectors.git.collect`` directly to count what
was actually read from git.
"""

from __future__ import annotations

import subprocess
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from collectors.base import CollectorError, SourceSpec, identity_id
from collectors.git import collect as git_collect
from collectors.git import read_mailmap
from gitrepo import add_commits, commit, head, init_repo, make_repo, reset_hard
from healthdash.collect import collect, git_source
from healthdash.settings import Settings
from healthdash.warehouse import reader, row_counts

UTC = timezone.utc
THIS_REPO = Path(__file__).resolve().parents[1]

ADA = "Ada Lovelace <ada@vendor-a.example>"
BO = "Bo Chen <bo@vendor-b.example>"
CY = "Cy Gerrit <cy@infra.example>"
C1_MESSAGE = """Add the engine

Body text.

Change-Id: I0000000000000000000000000000000000000001
Co-Authored-By: Bo Two <bo2@vendor-b.example>
co-authored-by: Dee Dub <dee@d.example>
Signed-off-by: Ada Lovelace <ada@vendor-a.example>
"""
TEN_LINES = "".join(f"line {i}\n" for i in range(1, 11))
ODD_PATHS = ["with space.txt", "ünïcode/日本.txt", "tab\there.txt", "new\nline.txt"]

#: 5 commits: C1 (2 files, one binary), C2 on topic (other committer), M merge,
#: C4 rename with one changed line, C5 four files with unusual names.
HISTORY = [
    {"author": ADA, "date": "2024-01-02T10:00:00+05:30", "message": C1_MESSAGE,
     "files": {"a.txt": TEN_LINES, "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00binary"}},
    {"branch": "topic", "author": BO, "date": "2024-01-03T09:00:00-05:00",
     "committer": CY, "commit_date": "2024-01-04T00:00:00+00:00",
     "files": {"b.txt": "x\ny\n"}, "message": "Add b"},
    {"merge": "topic", "author": ADA, "date": "2024-01-05T12:00:00+01:00"},
    {"renames": {"a.txt": "docs/a.txt"}, "files": {"docs/a.txt": TEN_LINES.replace("line 10", "line ten")},
     "date": "2024-01-06T08:00:00+00:00", "message": "Move a"},
    {"files": {p: "x\n" for p in ODD_PATHS}, "date": "2024-01-07T08:00:00+00:00", "message": "Odd paths"},
]


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("git"), commits=HISTORY, name="engine")


def run(tmp_path: Path, repo: Path | str, name: str = "engine", **options):
    settings = Settings(path=None, warehouse=tmp_path / "w.duckdb")
    [result] = collect(settings, [git_source(name, str(repo), **options)])
    return result


def query(tmp_path: Path, sql: str, params=None):
    with reader(tmp_path / "w.duckdb") as con:
        return con.execute(sql, params or []).fetchall()


def commit_row(tmp_path, subject, columns):
    rows = query(tmp_path, f"SELECT {columns} FROM commits WHERE subject = ?", [subject])
    assert len(rows) == 1, rows
    return rows[0]


def counts(tmp_path):
    with reader(tmp_path / "w.duckdb") as con:
        return row_counts(con, ["commits", "commit_files", "identities"])


@pytest.fixture
def loaded(tmp_path, history_repo):
    result = run(tmp_path, history_repo)
    assert result.error is None and result.rows > 0
    return tmp_path


def test_authors_committers_dates_and_time_zones_are_exact(loaded):
    a_name, a_email, a_date, a_tz, c_date, c_tz, ident = commit_row(
        loaded, "Add the engine",
        "author_name, author_email, author_date, author_tz_minutes, commit_date, commit_tz_minutes, author_identity")
    assert (a_name, a_email) == ("Ada Lovelace", "ada@vendor-a.example")
    # 10:00 at +05:30 is 04:30 UTC; +5h30 = 330 minutes
    assert a_date == datetime(2024, 1, 2, 4, 30, tzinfo=UTC) and a_tz == 330
    assert c_date == a_date and c_tz == 330
    assert ident == identity_id("git", email="ada@vendor-a.example", name="Ada Lovelace")

    row = commit_row(loaded, "Add b", "author_name, author_date, author_tz_minutes, committer_name, "
                                      "committer_email, commit_date, commit_tz_minutes, committer_identity")
    # 09:00 at -05:00 is 14:00 UTC; -5h = -300 minutes
    assert row[:3] == ("Bo Chen", datetime(2024, 1, 3, 14, 0, tzinfo=UTC), -300)
    assert row[3:7] == ("Cy Gerrit", "cy@infra.example", datetime(2024, 1, 4, tzinfo=UTC), 0)
    assert row[7] == identity_id("git", email="cy@infra.example", name="Cy Gerrit")


def test_identities_cover_authors_committers_and_co_authors(loaded):
    rows = set(query(loaded, "SELECT name, email FROM identities WHERE source = 'git'"))
    # Ada, Bo (authors), Cy (committer), Bo Two and Dee (co-authors), the default test author
    assert rows == {("Ada Lovelace", "ada@vendor-a.example"), ("Bo Chen", "bo@vendor-b.example"),
                    ("Cy Gerrit", "cy@infra.example"), ("Bo Two", "bo2@vendor-b.example"),
                    ("Dee Dub", "dee@d.example"), ("Test Author", "author@example.org")}


def test_merge_is_flagged_and_has_no_line_counts(loaded, history_repo):
    merge_sha = head(history_repo, "main~2")   # merge, rename, odd paths
    row = query(loaded, "SELECT is_merge, len(parents), files, added, removed FROM commits WHERE sha = ?",
                [merge_sha])
    assert row == [(True, 2, None, None, None)]
    assert query(loaded, "SELECT count(*) FROM commit_files WHERE sha = ?", [merge_sha]) == [(0,)]
    assert query(loaded, "SELECT count(*) FROM commits WHERE is_merge") == [(1,)]


def test_binary_files_have_null_counts_and_do_not_add_lines(loaded):
    files = query(loaded, "SELECT f.path, f.added, f.removed FROM commit_files f JOIN commits c USING (repo, sha) "
                          "WHERE c.subject = 'Add the engine' ORDER BY f.path")
    assert files == [("a.txt", 10, 0), ("logo.png", None, None)]
    # the commit totals: 2 files, 10 + 0 lines added (binary not counted), 0 removed
    assert commit_row(loaded, "Add the engine", "files, added, removed") == (2, 10, 0)
    assert commit_row(loaded, "Add the engine", "parents") == ([],)


def test_rename_resolves_to_the_new_path_and_keeps_the_old(loaded):
    files = query(loaded, "SELECT f.path, f.old_path, f.added, f.removed FROM commit_files f "
                          "JOIN commits c USING (repo, sha) WHERE c.subject = 'Move a'")
    # "line 10" became "line ten": one line added, one removed, 9 of 10 lines alike -> rename
    assert files == [("docs/a.txt", "a.txt", 1, 1)]


def test_trailers_change_id_co_authors_and_sign_offs(loaded):
    change_id, co_authors, signed = commit_row(loaded, "Add the engine", "change_id, co_authors, signed_off_by")
    assert change_id == "I0000000000000000000000000000000000000001"
    assert co_authors == ["Bo Two <bo2@vendor-b.example>", "Dee Dub <dee@d.example>"]
    assert signed == ["Ada Lovelace <ada@vendor-a.example>"]
    assert commit_row(loaded, "Add b", "change_id, co_authors, signed_off_by") == (None, [], [])


def test_unusual_paths_are_stored_verbatim(loaded):
    paths = [r[0] for r in query(loaded, "SELECT f.path FROM commit_files f JOIN commits c USING (repo, sha) "
                                          "WHERE c.subject = 'Odd paths' ORDER BY f.path")]
    assert paths == sorted(ODD_PATHS)
    assert commit_row(loaded, "Odd paths", "files, added, removed") == (4, 4, 0)


def test_totals_and_rerun_adds_no_duplicates(loaded, history_repo):
    # 5 commits; files: C1 2 + C2 1 + merge 0 + rename 1 + odd 4 = 8; identities: 6 (see above)
    first = counts(loaded)
    assert first == {"commits": 5, "commit_files": 8, "identities": 6}
    assert run(loaded, history_repo).error is None
    assert run(loaded, history_repo).rows == 0          # cursor == head: nothing read
    assert counts(loaded) == first
    [(cursor,)] = query(loaded, "SELECT cursor FROM sources WHERE source_id = 'git:engine'")
    assert cursor == head(history_repo)


def test_full_rescan_of_an_unchanged_repo_is_idempotent(tmp_path, history_repo):
    run(tmp_path, history_repo)
    before = counts(tmp_path)
    settings = Settings(path=None, warehouse=tmp_path / "w.duckdb")
    [result] = collect(settings, [git_source("engine", str(history_repo))], full=True)
    assert result.error is None and result.rows > 0
    assert counts(tmp_path) == before


def test_empty_repository_gives_no_batches_and_no_error(tmp_path):
    repo = init_repo(tmp_path / "empty")
    assert list(git_collect(git_source("empty", str(repo)), None)) == []
    result = run(tmp_path, repo, name="empty")
    assert result.error is None and result.rows == 0
    assert counts(tmp_path)["commits"] == 0


def test_incremental_run_reads_only_new_commits(tmp_path):
    repo = make_repo(tmp_path, commits=HISTORY[:1] + HISTORY[3:4], name="inc")
    spec = git_source("inc", str(repo))
    first = list(git_collect(spec, None))
    assert sum(b.frames["commits"].height for b in first) == 2
    assert first[-1].cursor == head(repo) and first[0].replace
    old_head = head(repo)
    add_commits(repo, [{"files": {"c.txt": "c\n"}, "message": "Add c", "date": "2024-02-01T00:00:00Z"},
                       {"files": {"c.txt": "c\nd\n"}, "message": "Grow c", "date": "2024-02-02T00:00:00Z"}])
    second = list(git_collect(spec, old_head))
    assert [sorted(b.frames["commits"]["subject"]) for b in second] == [["Add c", "Grow c"]]
    assert second[-1].cursor == head(repo) and "commits" not in second[0].replace   # no re-scan
    assert second[0].replace["dependencies"] == {"repo": "inc"}     # the new head's content replaces the old
    assert list(git_collect(spec, head(repo))) == []

    run(tmp_path, repo, name="inc")
    add_commits(repo, [{"files": {"d.txt": "d\n"}, "message": "Add d", "date": "2024-02-03T00:00:00Z"}])
    result = run(tmp_path, repo, name="inc")
    # only "Add d" read: 1 commit + 1 file row + its author's identity (restated, upserted),
    # and the new head's content: 10 convention rows + manifests_readable + repo_content = 12
    # (no manifests, no Python files: no dependencies, windows or imports)
    assert result.error is None and result.rows == 3 + 12
    # commits: 2 + 2 + 1; files: C1 2 + rename 1 + c 1 + c 1 + d 1 = 6;
    # identities: Ada, Test Author, co-authors Bo Two and Dee = 4
    assert counts(tmp_path) == {"commits": 5, "commit_files": 6, "identities": 4}


def test_rewritten_history_is_rescanned_and_the_dropped_commit_disappears(tmp_path):
    repo = make_repo(tmp_path, commits=[
        {"files": {"a": "1\n"}, "message": "keep one", "date": "2024-03-01T00:00:00Z"},
        {"files": {"a": "1\n2\n"}, "message": "keep two", "date": "2024-03-02T00:00:00Z"},
        {"files": {"b": "dropped\n"}, "message": "to be dropped", "date": "2024-03-03T00:00:00Z"},
    ], name="rw")
    run(tmp_path, repo, name="rw")
    dropped = head(repo)
    reset_hard(repo, "HEAD~1")
    commit(repo, files={"a": "1\n2\n3\n"}, message="after rewrite", date="2024-03-04T00:00:00Z")
    commit(repo, files={"c": "c\n"}, message="amended later", date="2024-03-05T00:00:00Z")
    commit(repo, files={"c": "c2\n"}, message="amended", date="2024-03-05T00:00:00Z", amend=True)

    batches = list(git_collect(git_source("rw", str(repo)), dropped))
    assert {t: batches[0].replace[t] for t in ("commits", "commit_files")} == {
        "commits": {"repo": "rw"}, "commit_files": {"repo": "rw"}}
    assert sum(b.frames["commits"].height for b in batches) == 4      # full rescan

    assert run(tmp_path, repo, name="rw").error is None
    subjects = sorted(r[0] for r in query(tmp_path, "SELECT subject FROM commits"))
    assert subjects == ["after rewrite", "amended", "keep one", "keep two"]
    assert query(tmp_path, "SELECT count(*) FROM commit_files WHERE sha = ?", [dropped]) == [(0,)]
    # files: keep one 1, keep two 1, after rewrite 1, amended 1
    assert counts(tmp_path)["commit_files"] == 4
    assert run(tmp_path, repo, name="rw").rows == 0
    assert counts(tmp_path)["commits"] == 4


def test_unknown_cursor_means_a_full_rescan(history_repo):
    batches = list(git_collect(git_source("engine", str(history_repo)), "0" * 40))
    assert batches[0].replace["commits"] == batches[0].replace["commit_files"] == {"repo": "engine"}
    assert sum(b.frames["commits"].height for b in batches) == 5


def test_abandoning_the_generator_stops_git(history_repo):
    spec = SourceSpec("git", "git:engine", str(history_repo), {"repo": "engine", "batch_commits": 1})
    threads = threading.active_count()
    batches = git_collect(spec, None)
    first = next(batches)
    assert first.frames["commits"].height == 1
    assert _children()      # git, running or exited but not yet reaped
    batches.close()     # the runner stops early (e.g. a load failed): nothing left behind
    assert threading.active_count() == threads
    assert _children() == []        # git killed or finished, and reaped (no zombie)


def _children() -> list[str]:
    own = Path(f"/proc/self/task/{threading.get_native_id()}/children")
    return own.read_text().split() if own.exists() else []


def test_batches_split_by_size_keep_each_commit_whole(tmp_path, history_repo):
    calls = []
    spec = SourceSpec("git", "git:engine", str(history_repo), {"repo": "engine", "batch_commits": 2})
    batches = list(git_collect(spec, None, progress=lambda advance=0, message=None: calls.append(advance)))
    sizes = [b.frames["commits"].height for b in batches]
    assert sizes == [2, 2, 1] and calls == sizes
    assert [b.cursor for b in batches[:-1]] == [None] * (len(batches) - 1)
    assert batches[-1].cursor == head(history_repo)
    assert ["commits" in b.replace for b in batches] == [True] + [False] * (len(batches) - 1)
    for batch in batches:   # every file row belongs to a commit of the same batch
        assert set(batch.frames["commit_files"]["sha"]) <= set(batch.frames["commits"]["sha"])
    assert sum(b.frames["commit_files"].height for b in batches) == 8


def test_branch_option_collects_that_branch(tmp_path, history_repo):
    result = run(tmp_path, history_repo, branch="topic")
    assert result.error is None
    assert sorted(r[0] for r in query(tmp_path, "SELECT subject FROM commits")) == ["Add b", "Add the engine"]
    assert "missing-branch" in run(tmp_path / "x", history_repo, branch="missing-branch").error


def test_clone_url_is_cloned_bare_then_fetched(tmp_path):
    origin = make_repo(tmp_path, commits=HISTORY[:1], name="origin")
    url = origin.resolve().as_uri()
    result = run(tmp_path, url, name="remote", clone_root=tmp_path / "clones")
    assert result.error is None
    assert (tmp_path / "clones" / "remote" / "HEAD").exists()
    add_commits(origin, [{"files": {"n.txt": "n\n"}, "message": "upstream change", "date": "2024-05-01T00:00:00Z"}])
    assert run(tmp_path, url, name="remote", clone_root=tmp_path / "clones").error is None
    assert sorted(r[0] for r in query(tmp_path, "SELECT subject FROM commits")) == [
        "Add the engine", "upstream change"]


@pytest.mark.parametrize("make_bad", [
    lambda tmp: tmp / "does-not-exist",
    lambda tmp: _plain_dir(tmp / "not-a-repo"),
])
def test_bad_location_is_one_line_naming_it_and_the_warehouse_is_unchanged(tmp_path, history_repo, make_bad):
    run(tmp_path, history_repo)
    before = counts(tmp_path)
    bad = make_bad(tmp_path)
    settings = Settings(path=None, warehouse=tmp_path / "w.duckdb")
    results = collect(settings, [git_source("bad", str(bad)), git_source("engine", str(history_repo))])
    assert str(bad) in results[0].error and "\n" not in results[0].error
    assert results[1].error is None
    assert counts(tmp_path) == before
    with pytest.raises(CollectorError, match=str(bad)):
        list(git_collect(git_source("bad", str(bad)), None))


def _plain_dir(path: Path) -> Path:
    path.mkdir()
    (path / "file.txt").write_text("not a repository")
    return path


def test_subdirectory_of_a_repository_is_not_taken_for_one(history_repo):
    with pytest.raises(CollectorError, match="not a git repository"):
        list(git_collect(git_source("docs", str(history_repo / "docs")), None))


def test_read_mailmap(tmp_path, history_repo):
    assert read_mailmap(history_repo) is None
    repo = make_repo(tmp_path, commits=[{"files": {".mailmap": "Ada <ada@a.example> <ada@old.example>\n"}}],
                     name="mm")
    assert read_mailmap(repo) == "Ada <ada@a.example> <ada@old.example>\n"


@pytest.mark.skipif(not (THIS_REPO / ".git").exists(), reason="not running from a git checkout")
def test_this_repository_twice_has_no_duplicates(tmp_path):
    for _ in range(2):
        assert run(tmp_path, THIS_REPO, name="healthdash").error is None
        [(total, distinct)] = query(tmp_path, "SELECT count(*), count(DISTINCT sha) FROM commits")
        [(cursor,)] = query(tmp_path, "SELECT cursor FROM sources WHERE source_id = 'git:healthdash'")
        expected = int(subprocess.run(["git", "-C", str(THIS_REPO), "rev-list", "--count", cursor],
                                      capture_output=True, text=True, check=True).stdout)
        assert total == distinct == expected > 0
        [(files, distinct_files)] = query(
            tmp_path, "SELECT count(*), count(DISTINCT (sha, path)) FROM commit_files")
        assert files == distinct_files > 0
