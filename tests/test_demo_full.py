"""The whole demo (every registered part) at small scale: no event after the end, believable
repository hygiene, the GitHub issues source, and no failed source.

One build at ``scale=0.05`` (about 2,000 commits; ~10 s) shared by the module.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest
import requests

from healthdash.demo import DemoServer, build
from healthdash.demo.community import END_DATE, generate
from healthdash.demo.issues import github_issues
from healthdash.demo.model import END_AT, clamp
from healthdash.demo.review_api import github_handler
from healthdash.demo.reviews import GITHUB_REPO, github_repository
from healthdash.demo.shape import REPOS
from healthdash.settings import load_settings
from healthdash.warehouse.store import reader

#: collection bookkeeping, stamped with the real clock, not demo events
BOOKKEEPING = {"fetched_at", "imported_at", "applied_at", "last_run_at", "last_ok_at"}
#: release_cycles is the release schedule: the current cycle ends after the demo's "today";
#: strategic_totals copies each cycle's start and end beside its counts (its only dates);
#: governance_cycle_verdicts holds the verdicts at each cycle's end (the scorecard's day)
SCHEDULES = {"release_cycles", "strategic_totals", "governance_cycle_verdicts"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-full")
    settings = load_settings(build(root / "data" / "demo", scale=0.05))
    with reader(settings.warehouse) as con:
        yield settings, con


def _date_columns(con) -> list[tuple[str, str, str]]:
    return con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE data_type = 'DATE' OR data_type LIKE 'TIMESTAMP%' ORDER BY 1, 2").fetchall()


def test_end_is_the_last_second_of_the_end_date():
    assert END_AT == datetime(2026, 10, 31, 23, 59, 59, tzinfo=timezone.utc) and END_AT.date() == END_DATE
    late = datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc)
    early = datetime(2026, 10, 30, 3, 0, tzinfo=timezone.utc)
    assert clamp(late) == END_AT and clamp(early) == early


def test_no_table_holds_a_date_after_the_demo_end(demo):
    _, con = demo
    checked, late = {}, []
    for table, column, kind in _date_columns(con):
        if column in BOOKKEEPING or table in SCHEDULES:
            continue
        newest = con.execute(f'SELECT max("{column}") FROM "{table}"').fetchone()[0]
        checked[f"{table}.{column}"] = newest
        if newest is None:
            continue
        bound = END_DATE if kind == "DATE" else END_AT
        if newest > bound:
            late.append(f"{table}.{column} = {newest}")
    assert late == []
    # the check saw the events of every part, so it cannot pass on empty tables
    for column in ("commits.commit_date", "changes.submitted", "changes.updated", "review_votes.voted_at",
                   "review_messages.posted_at", "bugs.updated", "coverage_reports.measured_at",
                   "repo_checks.captured_at", "contribution_facts.ts"):
        assert checked[column] is not None, column
    kinds = dict(con.execute("SELECT kind, max(ts) FROM contribution_facts GROUP BY kind").fetchall())
    assert {"commit", "review", "merged_change", "bug_filed"} <= set(kinds)
    assert all(ts <= END_AT for ts in kinds.values())


def test_every_source_collected_without_error(demo):
    _, con = demo
    failed = con.execute("SELECT source_id, last_error FROM sources WHERE last_error IS NOT NULL").fetchall()
    kinds = {k for (k,) in con.execute("SELECT DISTINCT kind FROM sources").fetchall()}
    assert failed == []
    assert {"git", "gerrit", "github", "github_issues", "launchpad", "coverage", "repo_checks"} <= kinds


def test_most_repositories_pass_hygiene_and_a_couple_fail(demo):
    _, con = demo
    rows = con.execute("SELECT check_name, repo, passed FROM repo_checks").fetchall()
    by_check: dict[str, dict[str, bool]] = {}
    for check, repo, passed in rows:
        by_check.setdefault(check, {})[repo] = passed
    # expected from the shape: repos without constraints / without a security document
    unpinned = {r.name for r in REPOS if not r.constraints}
    no_policy = {r.name for r in REPOS if not r.security_doc}
    assert 1 < len(unpinned) < len(REPOS) / 3 and 1 < len(no_policy) < len(REPOS) / 3
    assert {r for r, ok in by_check["dependency_constraints"].items() if not ok} == unpinned
    assert {r for r, ok in by_check["security_policy"].items() if not ok} == no_policy
    assert set(by_check["security_policy"]) == {r.name for r in REPOS}
    details = {d for (d,) in con.execute("SELECT DISTINCT detail FROM repo_checks WHERE passed").fetchall()}
    # both ways of pinning and both kinds of policy document show up
    assert {"tox.ini uses a constraints file", "lower-constraints.txt", "SECURITY.md",
            "doc/source/security.rst"} <= details


def test_github_issues_are_collected_without_pull_requests(demo):
    settings, con = demo
    source = next(s for s in settings.sources if s["kind"] == "github_issues")
    assert source["repos"] == [GITHUB_REPO] and source["security_labels"] == ["security"]
    rows = con.execute("SELECT bug_id, status, state_reason, is_security, closed, tags FROM bugs "
                       "WHERE source = 'github'").fetchall()
    pulls = {n for (n,) in con.execute("SELECT number FROM changes WHERE source = 'github'").fetchall()}
    numbers = {int(r[0].split("#")[1]) for r in rows}
    assert 30 <= len(rows) <= 60 and pulls and not numbers & {int(p) for p in pulls}
    assert {r[1] for r in rows} == {"open", "closed"}
    assert {"completed", "not_planned"} <= {r[2] for r in rows if r[1] == "closed"}
    assert all((r[4] is None) == (r[1] == "open") for r in rows)
    security = [r for r in rows if r[3]]
    assert 0 < len(security) < len(rows) / 3 and all("security" in r[5] for r in security)


# --------------------------------------------------------------------------- the GitHub issues API

def _item(number: int, updated: str, state: str = "open", pull: bool = False) -> dict:
    item = {"number": number, "state": state, "created_at": f"2026-01-{number:02d}T00:00:00Z",
            "updated_at": updated, "title": f"t{number}", "labels": []}
    if pull:
        item["pull_request"] = {"url": f"https://api.github.com/repos/o/r/pulls/{number}"}
    return item


def test_issues_listing_filters_orders_and_links_pages_like_github():
    items = [_item(n, f"2026-02-{n:02d}T00:00:00Z", "closed" if n % 3 == 0 else "open", pull=n == 4)
             for n in range(1, 8)]
    with DemoServer() as server:
        server.add_route("/gh/", github_handler(lambda: server.url + "/gh", {}, {}, {"o/r": items}))
        repo = requests.get(server.url + "/gh/repos/o/r", timeout=5).json()
        assert repo["full_name"] == "o/r" and repo["private"] is False
        url = server.url + "/gh/repos/o/r/issues"
        first = requests.get(url, params={"state": "all", "sort": "updated", "direction": "asc", "per_page": 3,
                                          "since": "2026-02-02T00:00:00Z"}, timeout=5)
        # issues 2..7 updated on/after Feb 2 (issue 1 is older), oldest update first, 3 per page -> 2 pages
        assert [i["number"] for i in first.json()] == [2, 3, 4]
        assert first.links["next"]["url"].endswith("page=2&per_page=3&since=2026-02-02T00%3A00%3A00Z"
                                                   "&sort=updated&state=all")
        assert first.links["last"]["url"] == first.links["next"]["url"] and "prev" not in first.links
        second = requests.get(first.links["next"]["url"], timeout=5)
        assert [i["number"] for i in second.json()] == [5, 6, 7]
        assert set(second.links) == {"prev", "first"}
        # defaults: open issues only, newest created first, one page without a Link header
        default = requests.get(url, timeout=5)
        assert [i["number"] for i in default.json()] == [7, 5, 4, 2, 1] and "Link" not in default.headers
        assert requests.get(server.url + "/gh/repos/o/missing/issues", timeout=5).status_code == 404


def test_demo_issue_listing_spans_pages_and_lists_pull_requests_too(demo):
    """Issues plus every pull request exceed one 100-item page: the collector followed ``Link``."""
    community = generate(2026)
    pulls, _ = github_repository(community, random.Random(1))
    listing = github_issues(community, pulls, random.Random(2))
    assert len(listing) > 100 and sum("pull_request" in i for i in listing) == len(pulls)
    assert len({i["number"] for i in listing}) == len(listing)
    moments = [i[k] for i in listing for k in ("created_at", "updated_at", "closed_at") if i.get(k)]
    assert max(moments) <= END_AT.strftime("%Y-%m-%dT%H:%M:%SZ")
    _, con = demo
    issue_rows = con.execute("SELECT count(*) FROM bugs WHERE source = 'github'").fetchone()[0]
    assert issue_rows + len(pulls) > 100    # the built demo's listing had a second page too


def test_commonality_and_consistency_follow_the_demo_shape(demo):
    """What healthdash.demo.commonality wrote, read back through the git collector and the metrics."""
    import configparser

    from healthdash.demo import commonality as shape
    from healthdash.metrics import commonality, consistency
    from healthdash.metrics.filters import Filters

    con = demo[1].cursor()         # a fresh cursor: earlier tests may leave a result open on the connection
    adoption = {(r["repo"], r["library"]): r["status"] for r in commonality.library_adoption(con).iter_rows(named=True)}
    for repo in ("placard", "python-strataclient", "glacier"):          # they roll their own configuration
        assert adoption[(repo, "common.config")] == "not used"
    assert adoption[("glacier", "common.log")] == "imported only"       # imports it, never declares it
    assert adoption[("nimbus", "common.messaging")] == "declared"
    conflicts = {(r["repo"], r["name"]) for r in commonality.dependency_conflicts(con).iter_rows(named=True)}
    assert conflicts == {("python-meshnetclient", "requests"), ("meshnet-lib", "common-config")}
    blocks = commonality.duplicate_blocks(con)
    copied = {frozenset(r.split(", ")) for r in blocks["in_repos"].to_list()}
    for _, holders in shape.COPIES.values():                             # every copied helper is found
        assert frozenset(holders) in copied
    matrix = consistency.convention_matrix(con)
    holes = {(r["repo"], r["check_name"]) for r in matrix.iter_rows(named=True) if not r["passed"]}
    checked = {(r["repo"], r["check_name"]) for r in matrix.iter_rows(named=True)}
    assert ("common.config", "uses_common_config") not in checked      # a library need not use itself
    assert ("common.log", "uses_common_logging") not in checked and ("common.log", "uses_common_config") in checked
    assert {("placard", "licence"), ("glacier", "ci_config"), ("python-meshnetclient", "docs"),
            ("python-nimbusclient", "lint_config"), ("meshnet-lib", "python_versions")} <= holes
    ini = configparser.ConfigParser(interpolation=None)
    ini.read_string("\n".join(shape.support_matrix()))
    features = [s for s in ini.sections() if not s.startswith("driver.")]
    complete = sum(1 for s in features if ini[s].get("driver.libvirt-kvm") == "complete")
    partial = sum(1 for s in features if ini[s].get("driver.libvirt-kvm") == "partial")
    drivers = consistency.feature_completeness(
        con, Filters(extra={"matrix": "nimbus-drivers"})).filter(target="libvirt-kvm")
    assert drivers["completeness"][0] == pytest.approx((complete + partial / 2) / len(features))
    backends = consistency.feature_completeness(con, Filters(extra={"matrix": "strata-backends"}))
    assert set(backends["target"]) == {"lvm", "ceph", "nfs", "filer"} and backends["features"][0] == 10
