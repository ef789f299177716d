"""The defects outside testing found (issue 12), each pinned by a test that failed before its fix.

Wrong-shape JSON, bad settings files, read-only warehouse folders, error text,
unknown component files, security headers, review facts (Gerrit vote removals,
GitHub ghost reviewers, ``merged: true`` without ``merged_at``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from collectors import gerrit, github
from collectors.base import CollectorError
from collectors.http import parse_json
from collectors.review_rows import ReviewRows
from gitrepo import make_repo
from healthdash.collect import collect, configured_sources
from healthdash.dashboard.app import create_app
from healthdash.errors import ConfigError, HealthdashError
from healthdash.settings import Settings, load_settings

CLI = [sys.executable, "-m", "healthdash.cli"]
COVERAGE_XML = Path(__file__).resolve().parent / "data" / "coverage" / "cobertura.xml"


# -- wrong-shape JSON: one line for that source, the others run and are kept -----------------------

def _community(tmp_path: Path, httpserver) -> Path:
    first = make_repo(tmp_path, [{"author": "Ada <ada@vendor-a.example>", "files": {"a": "1\n"}}], name="first")
    last = make_repo(tmp_path, [{"author": "Bo <bo@vendor-b.example>", "files": {"b": "1\n"}}], name="last")
    (tmp_path / "cov").mkdir()
    shutil.copy(COVERAGE_XML, tmp_path / "cov" / "coverage.xml")
    url = httpserver.url_for("")
    config = tmp_path / "healthdash.toml"
    config.write_text(f"""
warehouse = "w.duckdb"
[[teams]]
name = "T"
projects = [{{ name = "p", repos = ["first", "last"] }}]
[repos.first]
path = "{first}"
[repos.last]
path = "{last}"

[[sources]]
kind = "github_issues"
name = "issues"
url = "{url}/gh"
repos = ["o/r"]
retries = 0

[[sources]]
kind = "launchpad"
name = "bugs"
url = "{url}/lp"
projects = ["example"]
retries = 0

[[sources]]
kind = "gerrit"
name = "review"
url = "{url}/gerrit"
projects = ["example"]
retries = 0

[[sources]]
kind = "coverage"
name = "cov"
repo = "first"
path = "cov"
glob = "*.xml"
""")
    return config


def test_wrong_shape_json_fails_one_source_in_one_line_and_keeps_the_rest(tmp_path, httpserver):
    httpserver.expect_request("/gh/repos/o/r").respond_with_json([])          # a list, not a repository
    httpserver.expect_request("/lp/example").respond_with_json({
        "start": 0, "total_size": 1, "entries": [{
            "self_link": "x", "bug_link": f"{httpserver.url_for('/lp/bugs/1')}", "status": "New",
            "importance": "High", "date_created": "2024-02-10T08:00:00+00:00"}]})
    httpserver.expect_request("/lp/bugs/1").respond_with_json(["not", "a", "bug"])
    httpserver.expect_request("/gerrit/changes/").respond_with_data(")]}'\n[17, \"x\"]")
    settings = load_settings(_community(tmp_path, httpserver))
    results = {r.source_id: r for r in collect(settings, configured_sources(settings))}

    assert results["git:first"].error is None and results["git:last"].error is None
    assert results["coverage:cov"].error is None and results["coverage:cov"].rows > 0
    for source, shape in (("github_issues:issues", "expected a JSON object, got array"),
                          ("launchpad:bugs", "expected a JSON object, got array"),
                          ("gerrit:review", "item: expected a JSON object, got number")):
        error = results[source].error
        assert error and shape in error and "\n" not in error, (source, error)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        errors = dict(con.execute("SELECT source_id, last_error FROM sources").fetchall())
        commits = con.execute("SELECT count(*) FROM commits").fetchone()[0]
        reports = con.execute("SELECT count(*) FROM coverage_reports").fetchone()[0]
    finally:
        con.close()
    assert errors["launchpad:bugs"] == results["launchpad:bugs"].error and errors["git:last"] is None
    assert commits == 2 and reports == 1


def test_an_unexpected_shape_the_collector_missed_is_still_one_line(tmp_path, monkeypatch):
    """Defence in depth: an AttributeError deep in a collector fails that source only."""
    import collectors

    def broken(spec, since, progress=None):
        [].get("x")  # what a wrong-shape payload did before the collectors checked shapes
        yield

    real = collectors.get
    monkeypatch.setattr(collectors, "get", lambda kind: broken if kind == "gerrit" else real(kind))
    repo = make_repo(tmp_path, [{"files": {"a": "1\n"}}], name="r")
    settings = Settings(path=None, warehouse=tmp_path / "w.duckdb",
                        sources=[{"kind": "gerrit", "name": "g", "url": "http://127.0.0.1:9/"}])
    from healthdash.collect import git_source
    specs = configured_sources(settings) + [git_source("r", str(repo))]
    results = collect(settings, specs)
    assert "unexpected data shape (AttributeError" in results[0].error and results[1].error is None


# -- bad settings and warehouse folders: one line, no traceback ------------------------------------

def test_settings_file_that_is_not_utf8_is_one_line_with_file_and_line(tmp_path):
    config = tmp_path / "healthdash.toml"
    config.write_bytes(b'warehouse = "w.duckdb"\n# caf\xe9 in Latin-1\n')
    with pytest.raises(ConfigError) as err:
        load_settings(config)
    assert str(config) in err.value.one_line() and "line 2" in err.value.one_line()
    out = subprocess.run([*CLI, "status", "--config", str(config)], capture_output=True, text=True)
    assert out.returncode == 1 and "Traceback" not in out.stderr and out.stderr.count("\n") == 1
    assert "not UTF-8" in out.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_warehouse_folder_is_one_line_and_leaves_the_warehouse(tmp_path):
    repo = make_repo(tmp_path, [{"files": {"a": "1\n"}}], name="r")
    folder = tmp_path / "data"
    config = tmp_path / "healthdash.toml"
    config.write_text(f'warehouse = "data/w.duckdb"\n[[teams]]\nname = "T"\nprojects = [{{ name = "p", repos = ["r"] }}]\n'
                      f'[repos.r]\npath = "{repo}"\n')
    assert subprocess.run([*CLI, "collect", "--config", str(config)], capture_output=True).returncode == 0
    before = (folder / "w.duckdb").read_bytes()
    (folder / "w.duckdb.lock").unlink()
    folder.chmod(0o555)
    try:
        for command in ("collect", "rebuild"):
            out = subprocess.run([*CLI, command, "--config", str(config)], capture_output=True, text=True)
            assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
            if command == "collect":
                assert "cannot write in" in out.stderr and out.stderr.count("\n") == 1
    finally:
        folder.chmod(0o755)
    assert (folder / "w.duckdb").read_bytes() == before


def test_read_only_warehouse_folder_in_process(tmp_path):
    """The same rule without relying on permissions (works as root): a folder that is a file."""
    from healthdash.warehouse import writer

    blocker = tmp_path / "data"
    blocker.write_text("a file where the warehouse folder should be")
    with pytest.raises(HealthdashError) as err:
        with writer(blocker / "w.duckdb"):
            pass
    assert "cannot write in" in err.value.one_line()


def test_unwritable_staging_copy_is_one_line_and_leaves_the_warehouse(tmp_path):
    from healthdash.warehouse import writer

    live = tmp_path / "w.duckdb"
    with writer(live) as con:
        con.execute("INSERT INTO teams (name) VALUES ('T')")
    before = live.read_bytes()
    (tmp_path / "w.duckdb.staging").mkdir()  # something we cannot replace sits where the copy goes
    (tmp_path / "w.duckdb.staging" / "x").write_text("x")
    with pytest.raises(HealthdashError) as err:
        with writer(live):
            pass
    assert "the warehouse is unchanged" in err.value.one_line() and live.read_bytes() == before


# -- error text ----------------------------------------------------------------------------------

def test_invalid_json_message_reads_once():
    with pytest.raises(ValueError) as err:
        parse_json('{"title": "unterminated')
    assert "at at" not in str(err.value) and "Unterminated string starting at" in str(err.value)


# -- the web server: 404 for unknown component files, security headers ---------------------------

def test_unknown_component_suite_paths_are_404_and_every_response_has_security_headers(tmp_path):
    app = create_app(Settings(path=None, warehouse=tmp_path / "none.duckdb"))
    client = app.server.test_client()
    for path in ("/_dash-component-suites/nope/x.js", "/_dash-component-suites/dash/nope.js",
                 "/_dash-component-suites/dash/../../etc/passwd"):
        assert client.get(path).status_code == 404, path
    for path in ("/", "/_dash-layout", "/embed/none", "/_dash-component-suites/dash/nope.js"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        # default: embeds work in any page (README: embed URLs for iframes and slides)
        assert "frame-ancestors *" in response.headers["Content-Security-Policy"]


def test_frame_ancestors_come_from_the_settings_and_are_validated(tmp_path):
    config = tmp_path / "healthdash.toml"
    config.write_text("[security]\nframe_ancestors = [\"'self'\", \"https://slides.example.org\"]\n")
    app = create_app(load_settings(config))
    policy = app.server.test_client().get("/").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://slides.example.org;" in policy
    config.write_text("[security]\nframe_ancestors = [\"https://x.example; script-src *\"]\n")
    with pytest.raises(ConfigError):
        create_app(load_settings(config))


# -- review facts --------------------------------------------------------------------------------

def _gerrit_rows(messages: list[dict]) -> ReviewRows:
    change = {"project": "p", "_number": 1, "status": "MERGED", "owner": {"_account_id": 1},
              "created": "2024-03-01 09:00:00.000000000", "messages": messages}
    return gerrit.parse_page(gerrit.ChangeParser(), [change])


def test_gerrit_vote_removal_is_a_zero_vote_after_the_approval():
    rows = _gerrit_rows([
        {"id": "m1", "author": {"_account_id": 2}, "date": "2024-03-02 10:00:00.000000000",
         "message": "Patch Set 1: Code-Review+2", "_revision_number": 1},
        {"id": "m2", "author": {"_account_id": 2}, "date": "2024-03-02 11:00:00.000000000",
         "message": "Patch Set 1: -Code-Review\n\nOops, wrong change.", "_revision_number": 1}])
    votes = [(v["label"], v["value"], v["voted_at"].hour) for v in rows.votes]
    assert votes == [("Code-Review", 2, 10), ("Code-Review", 0, 11)]


def _pull(**fields) -> dict:
    return {"number": 7, "state": "closed", "user": {"login": "ada", "id": 1},
            "created_at": "2024-03-01T09:00:00Z", "updated_at": "2024-03-03T09:00:00Z",
            "closed_at": "2024-03-03T08:00:00Z", "merged_at": None, **fields}


def test_github_review_by_a_deleted_user_is_kept_under_the_ghost_identity():
    rows = ReviewRows()
    github.add_pull(rows, "o/r", _pull(merged_at="2024-03-03T08:00:00Z"), [
        {"id": 11, "user": None, "state": "APPROVED", "submitted_at": "2024-03-02T09:00:00Z"}])
    [vote] = rows.votes
    assert vote["value"] == 2
    assert rows.identities[vote["reviewer_identity"]]["username"] == "ghost"


def test_github_merged_true_without_merged_at_is_merged():
    rows = ReviewRows()
    github.add_pull(rows, "o/r", _pull(merged=True, merge_commit_sha="c" * 40), [])
    [change] = rows.changes
    assert change["status"] == "MERGED" and change["merge_sha"] == "c" * 40
    assert change["submitted"].isoformat() == "2024-03-03T08:00:00+00:00"  # closed_at stands in
    rows = ReviewRows()
    github.add_pull(rows, "o/r", _pull(merged=False), [])
    assert rows.changes[0]["status"] == "ABANDONED"
