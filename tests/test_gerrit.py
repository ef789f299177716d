"""Gerrit collector: parsing, paging, faults and incremental runs against a real local server."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from werkzeug import Response

from collectors import gerrit
from collectors.base import SourceSpec, identity_id
from collectors.http import parse_json
from collectors.review_rows import ReviewRows
from healthdash.collect import collect
from healthdash.demo.review_api import gerrit_handler
from healthdash.settings import Settings
from healthdash.warehouse.store import reader

DATA = Path(__file__).parent / "data" / "gerrit"
TABLES = ("changes", "review_votes", "review_messages", "identities")


def load_changes(name: str) -> list[dict]:
    return json.loads((DATA / name).read_text())


def serve(httpserver, changes, faults=()):
    """Serve a Gerrit emulation of ``changes`` (a list, or a callable) at /gerrit/; ``faults`` are
    werkzeug Responses returned, in order, before the real answers."""
    pending = list(faults)
    handler = gerrit_handler(changes)

    def respond(request):
        if pending:
            return pending.pop(0)
        status, headers, body = handler(request.path, {k: request.args.getlist(k) for k in request.args},
                                        request.headers)
        return Response(body, status=status, headers=dict(headers))

    httpserver.expect_request(re.compile("^/gerrit/")).respond_with_handler(respond)
    return httpserver.url_for("/gerrit")


def spec(url: str, **options) -> SourceSpec:
    base = {"projects": ["openstack/example"], "page_size": 2, "retries": 3, "backoff_base": 0.001,
            "backoff_cap": 0.002}
    return SourceSpec("gerrit", "gerrit:review", url, {**base, **options})


def run(tmp_path: Path, source: SourceSpec, name: str = "wh.duckdb"):
    settings = Settings(path=None, warehouse=tmp_path / name)
    return collect(settings, [source])[0], settings.warehouse


def table_rows(warehouse: Path) -> dict[str, list[tuple]]:
    with reader(warehouse) as con:
        out = {}
        for table in TABLES:
            columns = [c for c in con.sql(f"SELECT * FROM {table}").columns if c != "fetched_at"]
            out[table] = sorted(con.sql(f"SELECT {', '.join(columns)} FROM {table}").fetchall(), key=repr)
        return out


def gerrit_id(account: int) -> str:
    return identity_id("gerrit", account_id=str(account))


# -- parsing ------------------------------------------------------------------------------------

def test_parse_time_keeps_utc_and_microseconds():
    assert gerrit.parse_time("2024-03-01 09:15:02.123456789") == datetime(2024, 3, 1, 9, 15, 2, 123456,
                                                                          tzinfo=timezone.utc)
    assert gerrit.parse_time(None) is None


@pytest.mark.parametrize("message, votes", [
    ("Patch Set 2: Code-Review+2 Workflow+1", [("Code-Review", 2), ("Workflow", 1)]),
    ("Patch Set 3: Code-Review-1\n\nPlease add a test.", [("Code-Review", -1)]),
    ("Patch Set 1: Verified-1\n\nBuild failed.", [("Verified", -1)]),
    ("Patch Set 4: -Code-Review\n\nremoved", [("Code-Review", 0)]),  # a removal is a 0 vote
    ("Patch Set 1:\n\n(1 comment)", []),
    ("Uploaded patch set 2.", []),
])
def test_parse_votes(message, votes):
    assert gerrit.parse_votes(message) == votes


def test_recheck_detection():
    assert gerrit.is_recheck("Patch Set 2:\n\nrecheck")
    assert gerrit.is_recheck("Patch Set 2:\n\nrecheck bug 2051234")
    assert not gerrit.is_recheck("Patch Set 2:\n\nPlease do not recheck blindly")


def test_reference_page_rows():
    changes = parse_json((DATA / "changes_page_reference.json").read_text())
    rows = ReviewRows()
    gerrit.ChangeParser().add(rows, changes[0])
    frames = rows.frames()
    change = frames["changes"].row(0, named=True)
    assert change["change_key"] == "openstack/example~910001" and change["status"] == "MERGED"
    assert change["patch_sets"] == 2 and change["owner_identity"] == gerrit_id(30001)
    assert change["merge_sha"] == "2" * 40
    assert change["submitted"] == datetime(2024, 3, 4, 16, 39, 58, tzinfo=timezone.utc)
    votes = sorted((r["reviewer_identity"], r["label"], r["value"], r["patch_set"], r["is_ci"])
                   for r in frames["review_votes"].iter_rows(named=True))
    assert votes == sorted([(gerrit_id(30003), "Code-Review", 1, 1, False),
                            (gerrit_id(22348), "Verified", 1, 2, True),
                            (gerrit_id(30002), "Code-Review", 2, 2, False),
                            (gerrit_id(30002), "Workflow", 1, 2, False),
                            (gerrit_id(22348), "Verified", 2, 2, True)])
    messages = frames["review_messages"]
    assert messages.height == 6 and messages["is_ci"].sum() == 2 and not messages["is_recheck"].any()
    ids = {r["account_id"]: r for r in frames["identities"].iter_rows(named=True)}
    # message authors carry only _account_id; details come from the owner/labels objects
    assert ids["30002"]["email"] == "bo@vendor-b.example" and ids["30002"]["username"] == "bo"
    assert ids["22348"]["username"] == "zuul" and set(ids) == {"30001", "30002", "30003", "22348"}


def test_ci_accounts_option_marks_untagged_ci_votes():
    change = copy.deepcopy(load_changes("changes.json")[1])
    for message in change["messages"]:
        message.pop("tag", None)
    rows = ReviewRows()
    gerrit.ChangeParser(["zuul"]).add(rows, change)
    ci = rows.frames()["review_votes"].filter(is_ci=True)
    assert sorted(ci["value"].to_list()) == [-1, 1, 2] and set(ci["label"]) == {"Verified"}


# -- over HTTP ----------------------------------------------------------------------------------

def test_paged_collection_sends_options_and_fixed_upper_bound(httpserver, tmp_path):
    url = serve(httpserver, load_changes("changes.json"))
    result, warehouse = run(tmp_path, spec(url))
    assert result.error is None
    queries = [r.args for r, _ in httpserver.log]
    # 4 changes, pages of 2; the last page is full and has no _more_changes, so one probe (S=4)
    # makes sure no marker was dropped (collectors.paging)
    assert [q["S"] for q in queries] == ["0", "2", "4"]
    assert queries[0].getlist("o") == list(gerrit.OPTIONS)
    assert all("before:" in q["q"] and "after:" not in q["q"] for q in queries)
    assert len({q["q"] for q in queries}) == 1         # the same fixed upper bound on every page
    rows = table_rows(warehouse)
    assert len(rows["changes"]) == 4 and len(rows["identities"]) == 4
    with reader(warehouse) as con:
        status = dict(con.execute("SELECT change_key, status FROM changes").fetchall())
        rechecks = con.execute("SELECT count(*) FROM review_messages WHERE is_recheck").fetchone()[0]
        cursor = json.loads(con.execute("SELECT cursor FROM sources").fetchone()[0])
    assert status["openstack/example~910003"] == "NEW" and status["openstack/example~910004"] == "ABANDONED"
    assert rechecks == 2 and cursor["through"] and "partial" not in cursor


def test_faults_give_the_same_rows_as_a_clean_run(httpserver, tmp_path):
    changes = load_changes("changes.json")
    url = serve(httpserver, changes)
    clean, clean_wh = run(tmp_path, spec(url), "clean.duckdb")
    httpserver.clear()
    faults = [Response("slow down", status=429, headers={"Retry-After": "0"}),
              Response("boom", status=500),
              Response(")]}'\n[{\"id\": \"openstack%2Fexample~mas", status=200)]
    url = serve(httpserver, changes, faults)
    faulty, faulty_wh = run(tmp_path, spec(url), "faulty.duckdb")
    assert clean.error is None and faulty.error is None
    assert len(httpserver.log) == 6                     # 3 faults + 2 pages + the probe after a full last page
    assert table_rows(faulty_wh) == table_rows(clean_wh)


def test_failure_names_url_keeps_data_and_resumes(httpserver, tmp_path):
    changes = load_changes("changes.json")
    calls = {"n": 0}
    handler = gerrit_handler(changes)

    def respond(request):
        calls["n"] += 1
        if request.args["S"] != "0" and calls["n"] < 6:  # page 2 fails on every attempt of the first run
            return Response("unavailable", status=503)
        status, headers, body = handler(request.path, {k: request.args.getlist(k) for k in request.args}, {})
        return Response(body, status=status, headers=dict(headers))

    httpserver.expect_request(re.compile("^/gerrit/")).respond_with_handler(respond)
    source = spec(httpserver.url_for("/gerrit"), retries=3)
    first, warehouse = run(tmp_path, source)
    assert "HTTP 503" in first.error and "/gerrit/changes/" in first.error and "\n" not in first.error
    with reader(warehouse) as con:
        assert con.execute("SELECT count(*) FROM changes").fetchone()[0] == 2   # page 1 kept
        cursor = json.loads(con.execute("SELECT cursor FROM sources").fetchone()[0])
    assert cursor["partial"]["before"].startswith("2024-03-13")             # oldest change seen on page 1
    second, _ = run(tmp_path, source)
    assert second.error is None
    resumed = httpserver.log[-3][0].args["q"]
    assert 'before:"2024-03-13 09:00:00 +0000"' in resumed                   # oldest seen + 60 min overlap
    clean_server_rows = table_rows(warehouse)
    assert len(clean_server_rows["changes"]) == 4


def test_incremental_run_fetches_only_updated_changes(httpserver, tmp_path):
    state = {"changes": load_changes("changes.json")}
    url = serve(httpserver, lambda: state["changes"])
    first, warehouse = run(tmp_path, spec(url))
    with reader(warehouse) as con:
        through = json.loads(con.execute("SELECT cursor FROM sources").fetchone()[0])["through"]
    updated = load_changes("changes_updated.json")[0]
    updated["updated"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.000000000")
    state["changes"] = [c for c in state["changes"] if c["_number"] != 910003] + [updated]
    before = len(httpserver.log)
    second, _ = run(tmp_path, spec(url))
    assert first.error is None and second.error is None
    new_requests = [r for r, _ in httpserver.log[before:]]
    assert len(new_requests) == 1
    after = datetime.fromisoformat(through) - gerrit.timedelta(minutes=60)
    assert f'after:"{after:%Y-%m-%d %H:%M:%S} +0000"' in new_requests[0].args["q"]
    assert second.rows > 0
    httpserver.clear()
    url = serve(httpserver, state["changes"])
    _, clean = run(tmp_path, spec(url), "clean.duckdb")
    assert table_rows(warehouse) == table_rows(clean)
    with reader(warehouse) as con:
        assert con.execute("SELECT status, patch_sets FROM changes WHERE number = 910003").fetchone() == ("MERGED", 4)


def test_bad_config_is_one_clear_line(tmp_path):
    result, _ = run(tmp_path, SourceSpec("gerrit", "gerrit:x", "http://127.0.0.1:9/gerrit", {}))
    assert "needs 'projects' or 'query'" in result.error


def test_token_from_env_uses_authenticated_prefix_and_is_never_shown(httpserver, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("HD_GERRIT_PW", "bot:S3cretHttpPassw0rd")
    url = serve(httpserver, load_changes("changes.json"), [Response("no", status=500)] * 5)
    result, _ = run(tmp_path, spec(url, token_env="HD_GERRIT_PW", retries=2))
    assert httpserver.log[0][0].path == "/gerrit/a/changes/"
    assert httpserver.log[0][0].headers["Authorization"].startswith("Basic ")
    assert "S3cretHttpPassw0rd" not in result.error and "S3cretHttpPassw0rd" not in caplog.text
