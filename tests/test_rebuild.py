"""Raw payloads and ``healthdash rebuild``: collect from the local test servers, stop serving,
rebuild, and get the same typed rows back; private items are stored scrubbed only.

Each test collects one HTTP source from the same 127.0.0.1 servers its collector's own
tests use, then tampers with the typed rows the source owns (so a rebuild that did
nothing would fail), clears the server (any request would now fail) and rebuilds.
Typed tables must then be row-for-row identical to after the collection, ``fetched_at``
included, and rows of other sources untouched.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import test_gerrit
import test_github
import test_github_issues
import test_launchpad
from collectors.base import SourceSpec
from healthdash.rebuild import rebuild, rebuildable_sources
from healthdash.settings import Settings
from healthdash.warehouse import load, reader, writer
from test_github_issues import github  # noqa: F401  (fixture: the fake GitHub issues server)
from test_launchpad import launchpad  # noqa: F401  (fixture: the Launchpad emulator)

TYPED = ("changes", "review_votes", "review_messages", "bugs", "identities")
ISSUE_MARKER = "PRIVATE-ISSUE-MARKER"


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    with reader(warehouse) as con:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TYPED}


def raw_rows(warehouse: Path) -> list[tuple]:
    with reader(warehouse) as con:
        return con.execute("SELECT source_id, category, item_id, payload FROM raw_items ORDER BY ALL").fetchall()


def tamper(warehouse: Path, table: str, key: str) -> None:
    """Spoil the typed rows that have a raw payload: delete review rows, overwrite statuses."""
    keyed = f"{key} IN (SELECT item_id FROM raw_items)"
    with writer(warehouse) as con:
        con.execute(f"UPDATE {table} SET status = 'TAMPERED' WHERE {keyed}")
        if table == "changes":
            con.execute(f"DELETE FROM review_votes WHERE {keyed}")
            con.execute(f"DELETE FROM review_messages WHERE {keyed}")
        else:
            con.execute("DELETE FROM bugs WHERE bug_key = (SELECT min(item_id) FROM raw_items)")


def foreign_rows(warehouse: Path) -> None:
    """Rows no raw payload explains (another source, or collected before payloads were kept)."""
    with writer(warehouse) as con:
        load.upsert(con, "changes", pl.DataFrame({"source": ["gerrit"], "change_key": ["other/project~1"],
                                                  "status": ["NEW"]}))
        load.upsert(con, "bugs", pl.DataFrame({"source": ["launchpad"], "bug_key": ["elsewhere/1"],
                                               "status": ["New"], "source_id": ["launchpad:elsewhere"]}))


def rebuild_offline(httpserver, warehouse: Path, spec: SourceSpec, table: str, key: str) -> dict:
    """Tamper, stop serving, rebuild ``spec``; return the snapshot after the rebuild."""
    tamper(warehouse, table, key)
    httpserver.clear()
    requests_before = len(httpserver.log)
    results = rebuild(Settings(path=None, warehouse=warehouse), [spec])
    assert [r.error for r in results] == [None]
    assert len(httpserver.log) == requests_before          # nothing was fetched
    return snapshot(warehouse)


# -- the four HTTP collectors ---------------------------------------------------------------------

def test_gerrit_rebuild_and_no_duplicate_payloads(httpserver, tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    foreign_rows(warehouse)
    url = test_gerrit.serve(httpserver, test_gerrit.load_changes("changes.json"))
    source = test_gerrit.spec(url)
    first, _ = test_gerrit.run(tmp_path, source)
    assert first.error is None
    collected, payloads = snapshot(warehouse), raw_rows(warehouse)
    assert len(collected["changes"]) == 5 and len(collected["review_votes"]) > 0
    assert sorted(r[2] for r in payloads) == [f"openstack/example~91000{n}" for n in (1, 2, 3, 4)]
    change = json.loads(payloads[0][3])
    assert change["messages"] and change["revisions"]         # the change with its messages and revisions
    assert rebuild_offline(httpserver, warehouse, source, "changes", "change_key") == collected
    # re-collecting (in full, then incrementally) replaces payloads instead of adding rows
    url = test_gerrit.serve(httpserver, test_gerrit.load_changes("changes.json"))
    test_gerrit.run(tmp_path, test_gerrit.spec(url))
    test_gerrit.run(tmp_path, test_gerrit.spec(url, overlap_minutes=10 ** 7))
    with reader(warehouse) as con:
        assert con.execute("SELECT count(*), count(DISTINCT item_id) FROM raw_items").fetchone() == (4, 4)


def test_github_pull_requests_rebuild(httpserver, tmp_path):
    pulls, reviews = test_github.fixtures()
    url = test_github.serve(httpserver, pulls, reviews)
    source = test_github.spec(url)
    result, warehouse = test_github.run(tmp_path, source)
    assert result.error is None
    collected = snapshot(warehouse)
    payloads = {r[2]: json.loads(r[3]) for r in raw_rows(warehouse)}
    assert sorted(payloads) == [f"{test_github.REPO}#{n}" for n in (1, 2, 3, 4)]
    assert len(payloads[f"{test_github.REPO}#1"]["reviews"]) == len(reviews[1])   # a PR with its reviews
    assert rebuild_offline(httpserver, warehouse, source, "changes", "change_key") == collected
    url = test_github.serve(httpserver, pulls, reviews)
    test_github.run(tmp_path, source)
    assert len(raw_rows(warehouse)) == 4


def test_github_issues_rebuild(github, httpserver, tmp_path):  # noqa: F811
    fake, root = github
    warehouse = tmp_path / "w.duckdb"
    foreign_rows(warehouse)
    source = test_github_issues.spec(root)
    cursor = test_github_issues.run(warehouse, source)
    collected = snapshot(warehouse)
    assert len(collected["bugs"]) == 4 and len(raw_rows(warehouse)) == 3     # the pull request is not an issue
    assert rebuild_offline(httpserver, warehouse, source, "bugs", "bug_key") == collected
    httpserver.expect_request(test_github_issues.re.compile(".*")).respond_with_handler(fake)
    test_github_issues.run(warehouse, source, since=cursor)
    test_github_issues.run(warehouse, source)
    assert len(raw_rows(warehouse)) == 3


def test_launchpad_rebuild_after_incremental_and_full_runs(launchpad, httpserver, tmp_path, monkeypatch):  # noqa: F811
    emulator, root = launchpad
    monkeypatch.setenv(test_launchpad.TOKEN_ENV, "healthdash:access-tok:access-secret")
    warehouse = tmp_path / "w.duckdb"
    foreign_rows(warehouse)
    source = test_launchpad.spec(root, token_env=test_launchpad.TOKEN_ENV, security_labels=["logging"])
    cursor = test_launchpad.run(warehouse, source)
    emulator.bugs[2000003]["date_last_updated"] = "2024-03-05T10:00:00+00:00"
    emulator.bugs[2000003]["tasks"][0].update(status="Confirmed", date_confirmed="2024-03-05T10:00:00+00:00")
    test_launchpad.run(warehouse, source, since=cursor)
    collected = snapshot(warehouse)
    bugs = {row[1]: row for row in collected["bugs"]}
    assert len(bugs) == 8 and len(raw_rows(warehouse)) == 7       # 2 private bugs seen (authenticated)
    assert rebuild_offline(httpserver, warehouse, source, "bugs", "bug_key") == collected
    with reader(warehouse) as con:
        assert con.execute("SELECT count(*) FROM raw_items WHERE item_id = 'example/2000003'").fetchone()[0] == 1
        assert con.execute("SELECT is_security FROM bugs WHERE bug_key = 'example/7391502'").fetchone() == (True,)


# -- privacy -----------------------------------------------------------------------------------

def test_private_launchpad_bugs_are_stored_scrubbed(launchpad, tmp_path, monkeypatch):  # noqa: F811
    emulator, root = launchpad
    emulator.bugs[7391502]["description"] = f"{test_launchpad.MARKER} steps to reproduce"
    emulator.hidden = {2000003}                                   # listed, but its bug resource says 404
    monkeypatch.setenv(test_launchpad.TOKEN_ENV, "healthdash:access-tok:access-secret")
    warehouse = tmp_path / "w.duckdb"
    test_launchpad.run(warehouse, test_launchpad.spec(root, token_env=test_launchpad.TOKEN_ENV))
    payloads = {r[2]: json.loads(r[3]) for r in raw_rows(warehouse)}
    dump = json.dumps(payloads)
    assert [key for key, p in payloads.items() if test_launchpad.MARKER in json.dumps(p)] == []
    assert "+bug/7391502" not in dump and "web_link" not in json.dumps(payloads["example/7391506"])
    private = payloads["example/7391502"]
    assert private["bug"]["information_type"] == "Private Security" and "title" not in private["bug"]
    assert private["bug"]["tags"] == [] and "self_link" not in private["task"]
    assert payloads["example/2000003"]["bug"] is None and "title" not in json.dumps(payloads["example/2000003"])
    assert "Token leaks in debug log" in dump                     # public bugs are stored whole
    # with the switch and credentials the details are stored, as in the typed rows
    allowed = tmp_path / "allowed.duckdb"
    test_launchpad.run(allowed, test_launchpad.spec(root, token_env=test_launchpad.TOKEN_ENV, include_private=True))
    assert test_launchpad.MARKER in json.dumps(raw_rows(allowed))


def test_a_bug_that_became_private_leaves_raw_items_on_a_full_rescan(launchpad, tmp_path):  # noqa: F811
    emulator, root = launchpad
    warehouse = tmp_path / "w.duckdb"
    cursor = test_launchpad.run(warehouse, test_launchpad.spec(root))
    emulator.bugs[2000003]["information_type"] = "Private Security"
    emulator.bugs[2000003]["date_last_updated"] = "2024-03-06T10:00:00+00:00"
    test_launchpad.run(warehouse, test_launchpad.spec(root), since=cursor)
    test_launchpad.run(warehouse, test_launchpad.spec(root), since=None)
    assert "example/2000003" not in {r[2] for r in raw_rows(warehouse)}
    assert "wrong timezone" not in json.dumps(raw_rows(warehouse))
    rebuild(Settings(path=None, warehouse=warehouse), [test_launchpad.spec(root)])
    assert "example/2000003" not in test_launchpad.bugs(warehouse)


def test_private_repository_issues_are_stored_scrubbed(github, tmp_path):  # noqa: F811
    fake, root = github
    fake.private = True
    for item in fake.items:
        item.update(title=f"{ISSUE_MARKER} title", body=f"{ISSUE_MARKER} body",
                    html_url=f"https://github.example/{ISSUE_MARKER}/{item['number']}")
        item["labels"] = [*item.get("labels", []), {"name": f"{ISSUE_MARKER}-label", "url": "x"}]
    warehouse = tmp_path / "w.duckdb"
    source = test_github_issues.spec(root)
    test_github_issues.run(warehouse, source)
    payloads = {r[2]: json.loads(r[3]) for r in raw_rows(warehouse)}
    assert len(payloads) == 3 and ISSUE_MARKER not in json.dumps(payloads)
    issue = payloads["example-org/widget#11"]
    assert issue["repository"]["private"] and issue["issue"]["labels"] == [{"name": "Security"}]
    before = snapshot(warehouse)
    assert rebuild(Settings(path=None, warehouse=warehouse), [source])[0].error is None
    assert snapshot(warehouse) == before and ISSUE_MARKER not in json.dumps(before, default=str)


# -- selection and errors ------------------------------------------------------------------------

def test_sources_without_payloads_or_not_http_are_one_line_errors(tmp_path):
    settings = Settings(path=None, warehouse=tmp_path / "w.duckdb", sources=[
        {"kind": "gerrit", "name": "review", "url": "http://127.0.0.1:9/gerrit", "projects": ["x"]},
        {"kind": "coverage", "name": "cov", "path": str(tmp_path)}])
    assert [s.source_id for s in rebuildable_sources(settings, [])] == ["gerrit:review"]
    with pytest.raises(Exception, match="coverage:cov cannot be rebuilt"):
        rebuildable_sources(settings, ["coverage"])
    with pytest.raises(Exception, match="no warehouse"):
        rebuild(settings, rebuildable_sources(settings, []))
    foreign_rows(settings.warehouse)
    result = rebuild(settings, rebuildable_sources(settings, ["review"]))[0]
    assert "gerrit:review: no raw payloads" in result.error and "\n" not in result.error
    assert len(snapshot(settings.warehouse)["changes"]) == 1      # nothing deleted


def test_cli_rebuild(httpserver, tmp_path):
    url = test_gerrit.serve(httpserver, test_gerrit.load_changes("changes.json"))
    config = tmp_path / "healthdash.toml"
    config.write_text(f'warehouse = "w.duckdb"\n[[sources]]\nkind = "gerrit"\nname = "review"\nurl = "{url}"\n'
                      'projects = ["openstack/example"]\n')
    cli = [sys.executable, "-m", "healthdash.cli"]
    assert subprocess.run([*cli, "collect", "--config", str(config)], capture_output=True).returncode == 0
    httpserver.clear()
    done = subprocess.run([*cli, "rebuild", "review", "--config", str(config)], capture_output=True, text=True)
    assert done.returncode == 0 and "rebuilt gerrit:review: 4 payloads" in done.stderr
    failed = subprocess.run([*cli, "rebuild", "nothing", "--config", str(config)], capture_output=True, text=True)
    assert failed.returncode == 1 and failed.stderr.strip().count("\n") == 0 and "nothing" in failed.stderr
