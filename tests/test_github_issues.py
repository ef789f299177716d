"""GitHub issues collector against a real local HTTP server (Link paging, since, private repos)."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from werkzeug import Response

from collectors.base import CollectorError, SourceSpec
from collectors.github_issues import collect, issue_row, repo_targets
from healthdash.warehouse import load_batch, reader, writer
from healthdash.warehouse.load import get_cursor, register_source

ITEMS = json.loads((Path(__file__).parent / "data" / "github_issues" / "issues.json").read_text())["items"]


class FakeGitHub:
    """Serves repo info and the issues list 2 per page, sorted by updated, honouring ``since``."""

    def __init__(self, items, private=False):
        self.items = copy.deepcopy(items)
        self.private = private
        self.log: list[str] = []
        self.faults: list[int] = []

    def __call__(self, request):
        self.log.append(request.full_path)
        if self.faults:
            return Response("busy", status=self.faults.pop(0), headers={"Retry-After": "0"})
        if request.path == "/repos/example-org/widget":
            return Response(json.dumps({"full_name": "example-org/widget", "private": self.private}),
                            content_type="application/json")
        if request.path != "/repos/example-org/widget/issues":
            return Response("{}", status=404)
        assert request.args["state"] == "all"
        since = request.args.get("since")
        items = sorted((i for i in self.items if not since or i["updated_at"] >= since), key=lambda i: i["updated_at"])
        page = int(request.args.get("page", 1))
        headers = {}
        if page * 2 < len(items):
            args = {**request.args.to_dict(), "page": page + 1}
            query = "&".join(f"{k}={v}" for k, v in args.items())
            headers["Link"] = f'<{request.host_url.rstrip("/")}{request.path}?{query}>; rel="next"'
        return Response(json.dumps(items[(page - 1) * 2:page * 2]), headers=headers, content_type="application/json")


@pytest.fixture
def github(httpserver):
    fake = FakeGitHub(ITEMS)
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    return fake, httpserver.url_for("/").rstrip("/")


def spec(root, **options):
    return SourceSpec("github_issues", "github_issues:test", root,
                      {"repos": ["example-org/widget"], "security_labels": ["security"], "backoff_base": 0.001,
                       "backoff_cap": 0.005, "retries": 3, **options})


def run(db, source, since=None):
    with writer(db) as con:
        register_source(con, source.source_id, source.kind, source.location)
        for batch in collect(source, since):
            load_batch(con, source.source_id, batch)
        return get_cursor(con, source.source_id)


def rows(db):
    with reader(db) as con:
        return {r["bug_key"]: r for r in con.sql("SELECT * EXCLUDE (fetched_at) FROM bugs ORDER BY bug_key").pl().to_dicts()}


def test_repo_targets():
    assert repo_targets(["org/nova", "org/x=client"]) == [("org/nova", "org/nova"), ("org/x", "client")]
    with pytest.raises(CollectorError, match="not 'owner/name'"):
        repo_targets(["nova"])


def test_pull_requests_are_dropped():
    assert issue_row(ITEMS[2], full_name="example-org/widget", repo="widget", private=False, source_id="s") is None


def test_collects_issues_over_pages_with_security_labels(github, tmp_path):
    fake, root = github
    db = tmp_path / "w.duckdb"
    cursor = run(db, spec(root))
    got = rows(db)
    assert sorted(got) == ["example-org/widget#10", "example-org/widget#11", "example-org/widget#13"]
    assert len([p for p in fake.log if "/issues" in p]) == 2            # 4 items (one a PR), 2 per page
    assert got["example-org/widget#11"]["is_security"]                  # "Security" label, case-insensitive
    assert not got["example-org/widget#10"]["is_security"]
    assert got["example-org/widget#13"]["state_reason"] == "not_planned"
    assert got["example-org/widget#10"]["repo"] == "example-org/widget" and got["example-org/widget#10"]["project"] is None
    assert got["example-org/widget#11"]["closed"] is None
    assert cursor == "2024-02-10T09:00:00Z"
    with reader(db) as con:
        fixed = con.execute("SELECT bug_ref, fixed_at FROM bug_facts WHERE is_fixed").fetchall()
        open_ = con.execute("SELECT bug_ref FROM bug_facts WHERE is_open").fetchall()
        names = {r[0] for r in con.execute("SELECT username FROM identities").fetchall()}
    # closed as completed is a fix; closed as not planned is not; open is open
    assert [r[0] for r in fixed] == ["github:example-org/widget#10"]
    assert fixed[0][1] == datetime.fromisoformat("2024-01-20T09:00:00+00:00")
    assert open_ == [("github:example-org/widget#11",)]
    assert names == {"ada-owner", "bo-core", "cy-helper"}


def test_incremental_uses_since_and_updates_rows(github, tmp_path):
    fake, root = github
    db = tmp_path / "w.duckdb"
    cursor = run(db, spec(root))
    fake.items[1].update(state="closed", state_reason="completed", closed_at="2024-03-01T09:00:00Z",
                         updated_at="2024-03-01T09:00:00Z")
    fake.log.clear()
    run(db, spec(root), since=cursor)
    assert any("since=2024-02-10T09" in p for p in fake.log)
    assert rows(db)["example-org/widget#11"]["status"] == "closed"
    assert len(rows(db)) == 3


def test_private_repository_issues_keep_no_titles(github, tmp_path):
    fake, root = github
    fake.private = True
    db = tmp_path / "w.duckdb"
    run(db, spec(root))
    for row in rows(db).values():
        assert row["is_private"] and row["title"] is None and row["web_link"] is None and row["tags"] is None


def test_server_errors_are_retried(github, tmp_path):
    fake, root = github
    fake.faults = [500, 429]
    db = tmp_path / "w.duckdb"
    run(db, spec(root))
    assert len(rows(db)) == 3
