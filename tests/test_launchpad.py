"""Launchpad collector against a real local HTTP server serving Launchpad-shaped pages.

The server is :class:`healthdash.demo.launchpad_api.LaunchpadEmulator` (Launchpad's
semantics: unresolved-only default, duplicates omitted by default, private bugs only
for authenticated requests) behind pytest-httpserver; batches load into a real
DuckDB warehouse in tmp_path.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from werkzeug import Response

from collectors.base import CollectorError, SourceSpec
from collectors.http import launchpad_oauth_header
from collectors.launchpad import (ALL_STATUSES, bug_row, collect, is_private_bug, is_security_bug,
                                  next_cursor, parse_time)
from healthdash.demo.launchpad_api import LaunchpadEmulator
from healthdash.warehouse import load_batch, reader, writer
from healthdash.warehouse.load import get_cursor, register_source

DATA = Path(__file__).parent / "data" / "launchpad"
TOKEN_ENV = "HD_TEST_LP_TOKEN"
MARKER = "EMBARGO-MARKER"


def fixture_bugs() -> list[dict]:
    return copy.deepcopy(json.loads((DATA / "example_bugs.json").read_text())["bugs"])


@pytest.fixture
def launchpad(httpserver):
    """Start an emulator over the fixture bugs; returns (emulator, api root URL)."""
    emulator = LaunchpadEmulator(fixture_bugs(), root=httpserver.url_for("/devel"))

    def handle(request):
        status, headers, body = emulator(request.path, request.args.to_dict(flat=False), dict(request.headers))
        return Response(body, status=status, headers=dict(headers))

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handle)
    return emulator, httpserver.url_for("/devel")


def spec(root: str, **options) -> SourceSpec:
    base = {"projects": ["example", "other"], "page_size": 2, "backoff_base": 0.001, "backoff_cap": 0.005,
            "retries": 3}
    return SourceSpec("launchpad", "launchpad:test", root, {**base, **options})


def run(db: Path, source: SourceSpec, since: str | None = None) -> str | None:
    """Collect ``source`` into the warehouse at ``db`` like the runner does; return the stored cursor."""
    with writer(db) as con:
        register_source(con, source.source_id, source.kind, source.location)
        for batch in collect(source, since):
            load_batch(con, source.source_id, batch)
        return get_cursor(con, source.source_id)


def bugs(db: Path) -> dict[str, dict]:
    with reader(db) as con:
        frame = con.sql("SELECT * EXCLUDE (fetched_at) FROM bugs ORDER BY bug_key").pl()
    return {row["bug_key"]: row for row in frame.to_dicts()}


def bug_requests(emulator: LaunchpadEmulator) -> list[str]:
    return [p for p in emulator.log if "/bugs/" in p]


# -- pure parsing ---------------------------------------------------------------------------------

def test_row_from_recorded_task_and_bug_keeps_every_date():
    task = json.loads((DATA / "searchTasks_page.json").read_text())["entries"][0]
    bug = json.loads((DATA / "bug_2000001.json").read_text())
    row = bug_row(task, bug, project="example", source_id="lp")
    assert row["bug_key"] == "example/2000001" and row["bug_id"] == "2000001"
    assert row["title"] == "Token leaks in debug log"
    assert row["created"] == parse_time("2024-02-10T08:00:00.123456+00:00")
    assert row["created"].microsecond == 123456
    assert row["fix_committed"].isoformat() == "2024-02-20T12:00:00+00:00"
    assert row["confirmed"] is None                       # null date stays null
    assert row["is_security"] and not row["is_private"]
    assert row["web_link"] == "https://bugs.launchpad.net/example/+bug/2000001"
    assert row["tags"] == ["security", "logging"]


@pytest.mark.parametrize("bug, private", [
    ({"information_type": "Public"}, False),
    ({"information_type": "Public Security"}, False),
    ({"information_type": "Private Security"}, True),
    ({"information_type": "Private"}, True),
    ({"information_type": "Proprietary"}, True),
    ({"information_type": "Embargoed"}, True),
    ({"information_type": "Public", "private": True}, True),
    (None, True),                                          # a bug we could not read
])
def test_privacy_rule(bug, private):
    assert is_private_bug(bug) is private


def test_private_bug_row_drops_title_tags_and_link_unless_allowed():
    task = json.loads((DATA / "searchTasks_page.json").read_text())["entries"][0]
    bug = {**json.loads((DATA / "bug_2000001.json").read_text()), "information_type": "Private Security",
           "title": f"{MARKER} secret"}
    hidden = bug_row(task, bug, project="example", source_id="lp")
    assert hidden["is_private"] and hidden["is_security"]
    assert hidden["title"] is None and hidden["web_link"] is None and hidden["tags"] is None
    assert hidden["status"] == "Fix Released" and hidden["fix_committed"] is not None   # aggregates keep working
    shown = bug_row(task, bug, project="example", source_id="lp", allow_private_details=True)
    assert shown["title"] == f"{MARKER} secret"


def test_security_rule_flag_type_or_configured_tag():
    assert is_security_bug({"security_related": True})
    assert is_security_bug({"information_type": "Private Security"})
    assert not is_security_bug({"information_type": "Public", "tags": ["sec"]})
    assert is_security_bug({"information_type": "Public", "tags": ["Sec"]}, ("sec",))


def test_cursor_never_passes_run_start_minus_margin():
    started = parse_time("2024-03-01T12:00:00+00:00")
    seen = [parse_time("2024-02-01T00:00:00+00:00"), parse_time("2024-03-01T11:55:00+00:00")]
    assert next_cursor(None, seen, started) == "2024-03-01T11:50:00+00:00"
    assert next_cursor("2024-01-01T00:00:00+00:00", seen[:1], started) == "2024-02-01T00:00:00+00:00"
    assert next_cursor("2024-05-01T00:00:00+00:00", [], started) == "2024-05-01T00:00:00+00:00"


def test_oauth_header_is_plaintext_signature():
    header = launchpad_oauth_header("consumer:access:secret")
    assert 'oauth_consumer_key="consumer"' in header and 'oauth_signature="&secret"' in header


# -- over HTTP ------------------------------------------------------------------------------------

def test_full_run_pages_names_every_status_and_fetches_each_bug_once(launchpad, tmp_path):
    emulator, root = launchpad
    db = tmp_path / "w.duckdb"
    cursor = run(db, spec(root))
    rows = bugs(db)
    # anonymous: the private bugs are invisible; 4 public tasks on example + 1 on other
    assert sorted(rows) == ["example/2000001", "example/2000003", "example/2000004", "example/2000005",
                            "other/2000001"]
    searches = [p for p in emulator.log if "searchTasks" in p]
    assert len([p for p in searches if p.startswith("/devel/example")]) == 2      # 4 tasks, pages of 2
    for request in searches:
        for status in ALL_STATUSES:
            assert "status=" + status.replace(" ", "+").replace("'", "%27").replace("(", "%28").replace(")", "%29") in request
        assert "omit_duplicates=false" in request and "modified_since" not in request
    # one bug-resource request per distinct bug, although 2000001 has tasks in two projects
    assert sorted(bug_requests(emulator)) == ["/devel/bugs/2000001", "/devel/bugs/2000003",
                                              "/devel/bugs/2000004", "/devel/bugs/2000005"]
    assert rows["example/2000005"]["fix_committed"] is None             # released without "Fix Committed"
    assert rows["example/2000005"]["fix_released"] is not None
    assert rows["example/2000004"]["duplicate_of"] == "2000003"          # seen because omit_duplicates=false
    assert rows["other/2000001"]["status"] == "Fix Committed"
    assert rows["example/2000001"]["is_security"] and rows["example/2000001"]["tags"] == ["security", "logging"]
    assert cursor == "2024-03-01T15:00:00+00:00"                          # newest date_last_updated seen
    with reader(db) as con:
        names = {r[0] for r in con.execute("SELECT username FROM identities WHERE source = 'launchpad'").fetchall()}
    assert names == {"reporter-two", "reporter-four", "dev-one", "dev-three"}


def test_authenticated_run_stores_private_bugs_without_titles(launchpad, tmp_path, monkeypatch):
    emulator, root = launchpad
    monkeypatch.setenv(TOKEN_ENV, "healthdash:access-tok:access-secret")
    db = tmp_path / "w.duckdb"
    run(db, spec(root, token_env=TOKEN_ENV))
    rows = bugs(db)
    private = rows["example/7391502"]
    assert private["is_private"] and private["is_security"] and private["status"] == "In Progress"
    assert private["title"] is None and private["web_link"] is None and private["tags"] is None
    embargoed = rows["example/7391506"]
    assert embargoed["is_private"] and embargoed["information_type"] == "Embargoed" and embargoed["title"] is None
    with reader(db) as con:
        dump = json.dumps(con.sql("SELECT * FROM bugs").fetchall(), default=str)
    assert MARKER not in dump


def test_private_collection_needs_the_switch_and_credentials(launchpad, tmp_path, monkeypatch):
    emulator, root = launchpad
    monkeypatch.setenv(TOKEN_ENV, "healthdash:access-tok:access-secret")
    db = tmp_path / "w.duckdb"
    run(db, spec(root, token_env=TOKEN_ENV, include_private=True))
    assert bugs(db)["example/7391502"]["title"].startswith(MARKER)
    # the switch without credentials sees no private bug at all
    db2 = tmp_path / "w2.duckdb"
    run(db2, spec(root, include_private=True))
    assert "example/7391502" not in bugs(db2)


def test_unreadable_bug_resource_is_treated_as_private(launchpad, tmp_path):
    emulator, root = launchpad
    emulator.hidden = {2000003}
    db = tmp_path / "w.duckdb"
    run(db, spec(root))
    row = bugs(db)["example/2000003"]
    assert row["is_private"] and row["title"] is None and row["web_link"] is None


def test_incremental_run_fetches_only_changed_bugs_and_matches_a_clean_run(launchpad, tmp_path):
    emulator, root = launchpad
    db = tmp_path / "w.duckdb"
    cursor = run(db, spec(root))
    changed = emulator.bugs[2000003]
    changed["date_last_updated"] = "2024-03-05T10:00:00+00:00"
    changed["tasks"][0].update(status="Confirmed", date_confirmed="2024-03-05T10:00:00+00:00",
                               date_left_new="2024-03-05T10:00:00+00:00")
    emulator.log.clear()
    new_cursor = run(db, spec(root), since=cursor)
    assert all("modified_since=2024-03-01T15%3A00%3A00%2B00%3A00" in p for p in emulator.log if "searchTasks" in p)
    # modified_since is inclusive: the bug at the cursor itself and the changed one
    assert sorted(bug_requests(emulator)) == ["/devel/bugs/2000001", "/devel/bugs/2000003"]
    assert new_cursor == "2024-03-05T10:00:00+00:00"
    incremental = bugs(db)
    assert incremental["example/2000003"]["status"] == "Confirmed"
    clean = tmp_path / "clean.duckdb"
    run(clean, spec(root))
    assert incremental == bugs(clean)


def test_429_and_500_are_retried(launchpad, tmp_path):
    emulator, root = launchpad
    emulator.faults = {"/devel/example": [500, 429], "/devel/bugs/2000005": [503]}
    db = tmp_path / "w.duckdb"
    run(db, spec(root))
    assert len(bugs(db)) == 5
    assert emulator.faults == {"/devel/example": [], "/devel/bugs/2000005": []}


def test_persistent_failure_is_one_clear_error_and_loses_nothing(launchpad, tmp_path):
    emulator, root = launchpad
    db = tmp_path / "w.duckdb"
    run(db, spec(root))
    before = bugs(db)
    emulator.faults = {"/devel/other": [500] * 10}
    with pytest.raises(CollectorError, match=r"/devel/other.*HTTP 500"):
        run(db, spec(root), since=None)
    assert bugs(db) == before


def test_no_projects_is_a_config_error(tmp_path):
    with pytest.raises(CollectorError, match="no projects"):
        list(collect(SourceSpec("launchpad", "launchpad:x", "http://127.0.0.1:9"), None))


# -- the demo part --------------------------------------------------------------------------------

def test_demo_bugs_part_collects_through_the_real_collectors(tmp_path):
    """The demo's Launchpad emulator + advisories, collected by the real collectors (no git part)."""
    from healthdash.demo.build import build
    from healthdash.demo.bugs import PRIVATE_MARKER, bugs_part
    from healthdash.metrics import security
    from healthdash.settings import load_settings

    config = build(tmp_path / "demo", parts=[bugs_part], scale=0.3)
    settings = load_settings(config)
    with reader(settings.warehouse) as con:
        private = con.execute("SELECT count(DISTINCT bug_id), count(title), count(web_link) FROM bugs WHERE is_private").fetchall()[0]
        assert private == (4, 0, 0)                        # seen (privileged feed), but no titles or links
        dump = json.dumps(con.sql("SELECT * FROM bugs").fetchall(), default=str)
        assert PRIVATE_MARKER not in dump.upper() and PRIVATE_MARKER.lower() not in dump
        assert con.execute("SELECT count(*) FROM advisories").fetchall()[0][0] > 0
        summary = security.summary(con, None).row(0, named=True)
    assert summary["open_security_bugs"] >= 4 and summary["fixed_security_bugs"] > 0   # private ones counted


def test_full_rescan_drops_a_bug_that_became_private(launchpad, tmp_path):
    emulator, root = launchpad
    db = tmp_path / "w.duckdb"
    cursor = run(db, spec(root))
    emulator.bugs[2000003]["information_type"] = "Private Security"   # anonymous searches no longer list it
    emulator.bugs[2000003]["date_last_updated"] = "2024-03-06T10:00:00+00:00"
    run(db, spec(root), since=cursor)                 # incremental: cannot see it, leaves it alone
    assert "example/2000003" in bugs(db)
    run(db, spec(root), since=None)                   # full: the project's rows are replaced
    assert "example/2000003" not in bugs(db) and len(bugs(db)) == 4


def test_tokens_never_appear_in_errors(launchpad, tmp_path, monkeypatch):
    emulator, root = launchpad
    monkeypatch.setenv(TOKEN_ENV, "consumer-key:access-token-XYZ:access-secret-XYZ")
    emulator.faults = {"/devel/example": [500] * 10}
    with pytest.raises(CollectorError) as failure:
        run(tmp_path / "w.duckdb", spec(root, token_env=TOKEN_ENV))
    assert "XYZ" not in str(failure.value) and "HTTP 500" in str(failure.value)


def test_a_failing_bug_resource_error_does_not_name_the_bug(launchpad, tmp_path, monkeypatch):
    emulator, root = launchpad
    monkeypatch.setenv(TOKEN_ENV, "healthdash:Tok3nValue:S3cretValue")
    emulator.faults = {"/devel/bugs/7391502": [500] * 10}
    with pytest.raises(CollectorError) as failure:
        run(tmp_path / "w.duckdb", spec(root, token_env=TOKEN_ENV))
    assert "7391502" not in str(failure.value) and "/bugs/<withheld>" in str(failure.value)
