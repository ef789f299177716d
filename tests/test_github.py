"""GitHub pull-request collector against a real local server: mapping, paging, faults, increments."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timezone
from pathlib import Path

from werkzeug import Response

from collectors import github
from collectors.base import SourceSpec, identity_id
from collectors.review_rows import ReviewRows
from healthdash.collect import collect
from healthdash.demo.review_api import github_handler
from healthdash.settings import Settings
from healthdash.warehouse.store import reader

DATA = Path(__file__).parent / "data" / "github"
REPO = "example-org/widget"
TOKEN = "ghp_TestTokenThatMustStaySecret"


def fixtures():
    pulls = json.loads((DATA / "pulls.json").read_text())
    reviews = {int(k): v for k, v in json.loads((DATA / "reviews.json").read_text()).items()}
    return pulls, reviews


def serve(httpserver, pulls, reviews, faults=()):
    pending = list(faults)
    handler = github_handler(lambda: httpserver.url_for("/").rstrip("/"), {REPO: pulls}, {REPO: reviews})

    def respond(request):
        if pending:
            return pending.pop(0)
        status, headers, body = handler(request.path, {k: request.args.getlist(k) for k in request.args}, {})
        return Response(body, status=status, headers=dict(headers))

    httpserver.expect_request(re.compile("^/repos/")).respond_with_handler(respond)
    return httpserver.url_for("/")


def spec(url: str, **options) -> SourceSpec:
    base = {"repos": [REPO], "page_size": 2, "retries": 3, "backoff_base": 0.001, "backoff_cap": 0.002}
    return SourceSpec("github", "github:widget", url, {**base, **options})


def run(tmp_path: Path, source: SourceSpec, name: str = "wh.duckdb"):
    settings = Settings(path=None, warehouse=tmp_path / name)
    return collect(settings, [source])[0], settings.warehouse


def table_rows(warehouse: Path) -> dict[str, list[tuple]]:
    with reader(warehouse) as con:
        out = {}
        for table in ("changes", "review_votes", "review_messages", "identities"):
            columns = [c for c in con.sql(f"SELECT * FROM {table}").columns if c != "fetched_at"]
            out[table] = sorted(con.sql(f"SELECT {', '.join(columns)} FROM {table}").fetchall(), key=repr)
        return out


def gh(uid: int) -> str:
    return identity_id("github", account_id=str(uid))


def test_pull_and_review_mapping():
    pulls, reviews = fixtures()
    rows = ReviewRows()
    for pull in pulls:
        github.add_pull(rows, REPO, pull, reviews[pull["number"]])
    frames = rows.frames()
    changes = {r["number"]: r for r in frames["changes"].iter_rows(named=True)}
    assert [changes[n]["status"] for n in (1, 2, 3, 4)] == ["MERGED", "ABANDONED", "NEW", "MERGED"]
    assert changes[1]["merge_sha"] == "a" * 40 and changes[2]["merge_sha"] is None
    assert changes[1]["head_sha"] == "1" * 40 and changes[3]["is_draft"]
    assert changes[3]["author_association"] == "FIRST_TIME_CONTRIBUTOR"
    assert changes[1]["submitted"] == datetime(2024, 4, 3, 10, tzinfo=timezone.utc)
    votes = sorted((r["change_key"], r["reviewer_identity"], r["value"], r["is_ci"])
                   for r in frames["review_votes"].iter_rows(named=True))
    # APPROVED -> 2, CHANGES_REQUESTED -> -1, COMMENTED -> 0; PENDING (no submitted_at) skipped; bot is CI
    assert votes == sorted([(f"{REPO}#1", gh(41898282), 0, True), (f"{REPO}#1", gh(102), 0, False),
                            (f"{REPO}#1", gh(102), 2, False), (f"{REPO}#2", gh(101), -1, False),
                            (f"{REPO}#4", gh(101), 2, False)])
    assert frames["review_messages"].height == 5
    logins = {r["username"] for r in frames["identities"].iter_rows(named=True)}
    assert logins == {"alice", "bob", "carol", "github-actions[bot]"}


def test_collects_all_pages_with_reviews_and_token(httpserver, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("HD_GH_TOKEN", TOKEN)
    pulls, reviews = fixtures()
    url = serve(httpserver, pulls, reviews)
    result, warehouse = run(tmp_path, spec(url, token_env="HD_GH_TOKEN"))
    assert result.error is None
    paths = [(r.path, r.args.get("page")) for r, _ in httpserver.log]
    assert paths.count((f"/repos/{REPO}/pulls", None)) == 1 and (f"/repos/{REPO}/pulls", "2") in paths
    assert sum(p.endswith("/reviews") for p, _ in paths) == 4
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r, _ in httpserver.log)
    assert TOKEN not in caplog.text
    rows = table_rows(warehouse)
    assert len(rows["changes"]) == 4 and len(rows["review_votes"]) == 5
    with reader(warehouse) as con:
        kinds = dict(con.execute("SELECT kind, count(*) FROM review_events GROUP BY kind").fetchall())
    # reviews on others' changes, bot excluded: bob COMMENTED #1, alice CHANGES_REQUESTED #2 -> 2 reviews;
    # approvals: bob #1, alice #4 -> 2 core reviews; merged changes #1 and #4 -> 2
    assert kinds == {"review": 2, "core_review": 2, "merged_change": 2}


def test_faults_give_the_same_rows(httpserver, tmp_path):
    pulls, reviews = fixtures()
    url = serve(httpserver, pulls, reviews)
    _, clean = run(tmp_path, spec(url), "clean.duckdb")
    httpserver.clear()
    faults = [Response("{}", status=429, headers={"Retry-After": "0"}), Response("bad gateway", status=502),
              Response('[{"url": "https://api.github.com/repos/exa', status=200)]
    url = serve(httpserver, pulls, reviews, faults)
    result, faulty = run(tmp_path, spec(url), "faulty.duckdb")
    assert result.error is None and table_rows(faulty) == table_rows(clean)


def test_incremental_run_reads_only_updated_pulls(httpserver, tmp_path):
    pulls, reviews = fixtures()
    state = {"pulls": pulls}

    def respond(request):
        live = github_handler(lambda: httpserver.url_for("/").rstrip("/"), {REPO: state["pulls"]}, {REPO: reviews})
        status, headers, body = live(request.path, {k: request.args.getlist(k) for k in request.args}, {})
        return Response(body, status=status, headers=dict(headers))

    httpserver.expect_request(re.compile("^/repos/")).respond_with_handler(respond)
    source = spec(httpserver.url_for("/"))
    first, warehouse = run(tmp_path, source)
    changed = copy.deepcopy(state["pulls"])
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    changed[2].update(draft=False, updated_at=now)
    reviews[3] = reviews[3] + [{"id": 507, "user": {"login": "bob", "id": 102, "type": "User"},
                                "state": "APPROVED", "submitted_at": now, "commit_id": "3" * 40}]
    state["pulls"] = changed
    seen = len(httpserver.log)
    second, _ = run(tmp_path, source)
    assert first.error is None and second.error is None
    later = [(r.path, r.args.get("page")) for r, _ in httpserver.log[seen:]]
    # page 1 (pull #3 new, #4 older than the cutoff -> stop); reviews of #3 only
    assert later == [(f"/repos/{REPO}/pulls", None), (f"/repos/{REPO}/pulls/3/reviews", None)]
    _, clean = run(tmp_path, source, "clean.duckdb")
    assert table_rows(warehouse) == table_rows(clean)


def test_vanished_pull_request_reviews_are_skipped(httpserver, tmp_path):
    pulls, reviews = fixtures()
    handler = github_handler(lambda: httpserver.url_for("/").rstrip("/"), {REPO: pulls}, {REPO: reviews})

    def respond(request):
        if request.path.endswith("/pulls/2/reviews"):
            return Response('{"message": "Not Found"}', status=404)
        status, headers, body = handler(request.path, {k: request.args.getlist(k) for k in request.args}, {})
        return Response(body, status=status, headers=dict(headers))

    httpserver.expect_request(re.compile("^/repos/")).respond_with_handler(respond)
    result, warehouse = run(tmp_path, spec(httpserver.url_for("/")))
    assert result.error is None
    with reader(warehouse) as con:
        assert con.execute("SELECT count(*) FROM changes").fetchone()[0] == 4
        assert con.execute("SELECT count(*) FROM review_votes WHERE change_key LIKE '%#2'").fetchone()[0] == 0


def test_bad_repo_name_is_one_line(tmp_path):
    result, _ = run(tmp_path, SourceSpec("github", "github:x", "", {"repos": ["widget"]}))
    assert "owner/name" in result.error and "'widget'" in result.error
