"""Collections at community scale: all-or-nothing git sources and readable messages (issue 9, items 6-7).

Real git repositories, a real warehouse, the real CLI in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from healthdash.collect import collect, git_source
from healthdash.settings import load_settings
from gitrepo import add_commits, git, make_repo

CLI = [sys.executable, "-m", "healthdash.cli"]


def run(*args, cwd=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd)


def _commits(n: int, start: int = 0) -> list[dict]:
    return [{"author": f"Dev {i} <dev{i}@vendor-a.example>", "date": f"2024-01-{i % 27 + 1:02d}T10:00:00Z",
             "files": {f"f{i}.txt": f"line {i}\n"}} for i in range(start, start + n)]


def _table(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _break_blob(repo: Path, path_in_commit: str, rev: str) -> str:
    """Delete the loose object of a file as of ``rev`` (a "missing object" corruption)."""
    sha = git(repo, "rev-parse", f"{rev}:{path_in_commit}").strip()
    (repo / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    return sha


def test_a_git_log_failing_part_way_keeps_exactly_the_rows_from_before(tmp_path):
    repo = make_repo(tmp_path, _commits(6), name="nova")
    config = tmp_path / "healthdash.toml"
    config.write_text("warehouse = 'w.duckdb'\n[[teams]]\nname = 'T'\nprojects = [{ name = 'nova', repos = ['nova'] }]\n"
                      f"[repos.nova]\npath = '{repo}'\n")
    settings = load_settings(config)
    # small batches, so git has streamed (and we have loaded) several batches before it fails
    spec = git_source("nova", str(repo))
    spec.options["batch_commits"] = 2
    assert collect(settings, [spec])[0].error is None
    before = _table(settings.warehouse, "SELECT * FROM commits ORDER BY sha")
    files_before = _table(settings.warehouse, "SELECT * FROM commit_files ORDER BY sha, path")
    assert len(before) == 6
    add_commits(repo, _commits(6, start=6))
    _break_blob(repo, "f1.txt", "HEAD")            # an old blob: git log dies after the 10 newest commits
    result = collect(settings, [spec], full=True)[0]   # a full re-scan replaces the repo's rows ...
    assert result.error and "git log failed" in result.error and str(repo) in result.error
    assert result.rows == 0
    # ... but it failed, so the repository keeps exactly the rows it had before
    assert _table(settings.warehouse, "SELECT * FROM commits ORDER BY sha") == before
    assert _table(settings.warehouse, "SELECT * FROM commit_files ORDER BY sha, path") == files_before
    (state,) = _table(settings.warehouse, "SELECT last_error IS NOT NULL, last_run_rows FROM sources")
    assert state == (True, 0)
    # the CLI: exit code 1, one line naming the repository and git's own message
    out = run("collect", "nova", "--full", "--config", str(config))
    assert out.returncode == 1
    lines = [line for line in out.stderr.splitlines() if "git log failed" in line]
    assert len(lines) == 1 and str(repo) in lines[0] and "unable to read" in lines[0]
    assert _table(settings.warehouse, "SELECT * FROM commits ORDER BY sha") == before


def test_six_hundred_repositories_most_missing_give_a_short_readable_console(tmp_path):
    real = [make_repo(tmp_path / "git" / "openstack", _commits(2), name=f"real-{i}") for i in range(2)]
    names = [f"openstack/real-{i}" for i in range(2)] + [f"openstack/missing-project-with-a-long-name-{i:03d}"
                                                        for i in range(598)]
    lines = ["warehouse = 'w.duckdb'", "[[teams]]", "name = 'T'", "projects = ["]
    lines += [f"  {{ name = 'p{i}', repos = ['{n}'] }}," for i, n in enumerate(names)]
    lines += ["]"]
    lines += [f"[repos.\"{n}\"]\npath = 'git/{n}'" for n in names]
    config = tmp_path / "healthdash.toml"
    config.write_text("\n".join(lines) + "\n")
    assert all(p.is_dir() for p in real)
    out = run("collect", "--config", str(config))
    assert out.returncode == 1
    text = out.stdout + out.stderr
    assert max(len(line) for line in text.splitlines()) <= 300
    summary = [line for line in text.splitlines() if "598 git repositories not found" in line]
    assert len(summary) == 1 and f"under {tmp_path / 'git' / 'openstack'}" in summary[0]
    last = out.stderr.strip().splitlines()[-1]
    assert "collected 2 of 600 source(s)" in last and "598 failed" in last and "status --errors" in last
    assert len(text.splitlines()) < 30                      # no line per repository
    # status opens with a summary; --errors lists each failure on its own line; --source shows one
    status = run("status", "--config", str(config))
    assert status.returncode == 0
    first = status.stdout.splitlines()[0]
    assert first.startswith("sources: 600 — 2 ok, 598 failed, 0 never run; last run ")
    assert max(len(line) for line in status.stdout.splitlines()) <= 300
    assert len(status.stdout.splitlines()) < 80
    errors = run("status", "--errors", "--config", str(config)).stdout.splitlines()
    assert len(errors) == 598 and all(len(e) <= 300 for e in errors)
    assert any("missing-project-with-a-long-name-597" in e for e in errors)   # full names, never cut
    one = run("status", "--source", "openstack/missing-project-with-a-long-name-123", "--config", str(config))
    assert "git:openstack/missing-project-with-a-long-name-123" in one.stdout and "failed" in one.stdout


def test_status_rows_are_this_runs_rows_not_a_running_total(tmp_path):
    repo = make_repo(tmp_path, _commits(3), name="r")
    out = run("collect", str(repo), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert run("collect", str(repo), "--full", cwd=tmp_path).returncode == 0   # a second full scan
    (last, total), = _table(tmp_path / "data" / "healthdash.duckdb", "SELECT last_run_rows, rows_loaded FROM sources")
    # two identical full scans: each wrote the same rows (at least 3 commits + 3 commit_files +
    # 3 identities); the cumulative count is twice that and reads as duplication, so it is not shown
    assert last >= 9 and total == 2 * last
    one = run("status", "--source", "r", cwd=tmp_path).stdout.splitlines()
    assert [line.strip() for line in one if "rows written" in line] == [f"rows written by last run: {last:,}"]
    counts = run("status", cwd=tmp_path).stdout.split("Row counts")[1]
    commits_row = next(line for line in counts.splitlines() if " commits " in line)
    assert commits_row.split()[1:4] == ["commits", "│", "3"]     # the table's true row count


def test_collect_in_a_folder_that_is_not_a_repository_creates_nothing(tmp_path):
    out = run("collect", ".", cwd=tmp_path)
    assert out.returncode == 1 and "not a git repository" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_source_kind_is_reported_by_status_and_collect(tmp_path):
    config = tmp_path / "healthdash.toml"
    config.write_text("warehouse = 'w.duckdb'\n[[sources]]\nkind = 'gerit'\nname = 'review'\n")
    for command in ("status", "collect"):
        out = run(command, "--config", str(config))
        assert out.returncode == 1
        assert "sources[0].kind" in out.stderr and "'gerit'" in out.stderr and "gerrit" in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "w.duckdb").exists()


def test_progress_names_keep_both_ends_so_long_names_stay_distinct():
    import io

    from rich.console import Console

    from collectors.base import SourceSpec
    from healthdash.collect import SourceResult
    from healthdash.collect_summary import middle_ellipsis
    from healthdash.progress import RichReporter

    assert middle_ellipsis("git:openstack/python-swiftclient", 20) == "git:openst…iftclient"
    assert len(middle_ellipsis("x" * 500, 300)) == 300
    buffer = io.StringIO()
    console = Console(file=buffer, width=80, force_terminal=False)
    specs = [SourceSpec("git", f"git:openstack/neutron-dynamic-routing-plugin-{n}", "/srv") for n in ("a", "b")]
    with RichReporter(console) as reporter:
        reporter.begin(specs)
        for spec in specs:
            reporter.start(spec)
            reporter.finish(spec, SourceResult(spec.source_id, "git", rows=3))
    lines = [line for line in buffer.getvalue().splitlines() if "plugin-" in line]
    assert len(lines) == 2 and lines[0].split()[0] != lines[1].split()[0]     # never two identical prefixes
    assert all(line.split()[0].endswith(("plugin-a", "plugin-b")) for line in lines)


def test_status_on_an_older_warehouse_says_to_upgrade_it(tmp_path):
    path = tmp_path / "data" / "healthdash.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)")
    con.execute("INSERT INTO schema_migrations VALUES (1, '0001_core.sql', now())")
    con.close()
    out = run("status", cwd=tmp_path)
    assert out.returncode == 1 and "schema version 1" in out.stderr and "healthdash collect" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
