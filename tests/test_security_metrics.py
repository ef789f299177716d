"""Security metrics against numbers worked out by hand from tests/bug_fixture.py.

Window end 2024-03-31, so "now" ($as_of) is 2024-04-01T00:00Z.  Security bugs:

    bug  project  created     fixed (how)                 days to fix / age
    L    example  2023-10-01  2023-10-05 fix committed     4
    A    example  2024-01-01  2024-01-11 fix committed     10
    B    example  2024-01-10  2024-02-09 fix released      30  (no "Fix Committed")
    C    example  2024-02-01  closed Invalid 2024-02-05    not a fix
    F    other    2024-02-15  2024-03-06 fix committed     20
    D    example  2024-03-01  open                         age 31
    K    other    2024-03-11  open                         age 21
    J*   example  2024-01-20  2024-02-19 (private)         30
    E*   example  2024-03-21  open (private)               age 11

Quantiles interpolate (quantile_cont): p90 of n sorted values sits at 0.9*(n-1).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from bug_fixture import MARKER, PRIVATE_NUMBERS, build
from collectors.base import SourceSpec
from collectors.repo_checks import collect as collect_checks
from collectors.repo_checks import dependency_constraints, security_policy
from gitrepo import make_repo
from healthdash.metrics import security
from healthdash.metrics.filters import Filters
from healthdash.privacy import unsafe_bug_reads
from healthdash.warehouse import load_batch, reader, writer
from healthdash.warehouse.load import register_source

WINDOW = Filters(end=date(2024, 3, 31))
SQL = Path(__file__).resolve().parents[1] / "healthdash" / "metrics" / "sql"


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    root = tmp_path_factory.mktemp("security")
    return {False: build(root / "public.duckdb"),
            True: build(root / "counted.duckdb", count_private=True, private_details=True)}


def frame(db, metric, filters=WINDOW):
    with reader(db) as con:
        return metric(con, filters)


def test_summary_kpis(warehouses):
    row = frame(warehouses[False], security.summary).row(0, named=True)
    # open: D 31, K 21 -> 2, median 26.  fixed: 4 10 20 30 -> median 15; p90 at 2.7 -> 20 + 0.7*10 = 27
    # advisories published by Mar 31: 2023-010, 2024-001, 2024-002 -> 3
    assert row == {"open_security_bugs": 2, "open_note": "at the end of the window", "median_open_age_days": 26.0, "fixed_security_bugs": 4,
                   "median_days_to_fix": 15.0, "p90_days_to_fix": 27.0, "advisories": 3}


def test_summary_counts_private_bugs_only_when_allowed(warehouses):
    row = frame(warehouses[True], security.summary).row(0, named=True)
    # open: 31 21 11 -> 3, median 21.  fixed: 4 10 20 30 30 -> median 20; p90 at 3.6 -> 30
    assert row == {"open_security_bugs": 3, "open_note": "incl. 1 private, not listed", "median_open_age_days": 21.0, "fixed_security_bugs": 5,
                   "median_days_to_fix": 20.0, "p90_days_to_fix": 30.0, "advisories": 3}


def test_open_security_bugs_by_project(warehouses):
    assert frame(warehouses[False], security.open_by_project).rows() == [
        ("example", 1, 31.0, 31.0), ("other", 1, 21.0, 21.0)]
    # with private ones counted: example has D 31 and E 11 -> median 21
    assert frame(warehouses[True], security.open_by_project).rows() == [
        ("example", 2, 21.0, 31.0), ("other", 1, 21.0, 21.0)]


def test_public_list_never_holds_private_bugs_even_when_counted(warehouses):
    for counted in (False, True):
        df = frame(warehouses[counted], security.open_public_bugs)
        assert df.select("bug", "project", "age_days").rows() == [("#4", "example", 31.0), ("#11", "other", 21.0)]
        assert df["link"].to_list() == ["https://bugs.launchpad.net/example/+bug/4",
                                        "https://bugs.launchpad.net/other/+bug/11"]
        text = df.write_csv()
        assert MARKER not in text and not any(n in text for n in PRIVATE_NUMBERS)


def test_time_to_fix_trend_by_quarter(warehouses):
    df = frame(warehouses[False], security.time_to_fix)
    # Q4 2023: L 4.  Q1 2024: A 10, F 20, B 30 -> median 20, p90 at 1.8 -> 20 + 0.8*10 = 28
    assert [(str(q), n, m, p) for q, n, m, p in df.rows()] == [
        ("2023-10-01", 1, 4.0, 4.0), ("2024-01-01", 3, 20.0, 28.0)]
    since = frame(warehouses[False], security.time_to_fix, Filters(start=date(2024, 1, 1), end=date(2024, 3, 31)))
    assert since.height == 1 and since["fixed_bugs"].to_list() == [3]


def test_advisories_per_year_and_project(warehouses):
    # OSSA-2024-003 (Apr 10) is after the window; 2024-001 names two projects; widgetlib is no project
    assert frame(warehouses[False], security.advisories_per_year).rows() == [
        (2023, "example", 1), (2024, "example", 1), (2024, "other", 1), (2024, "widgetlib", 1)]
    assert frame(warehouses[False], security.advisories_per_year,
                 Filters(team=("Storage",), end=date(2024, 3, 31))).rows() == [(2024, "other", 1)]


def test_advisory_timeline_with_cves_and_days_from_report(warehouses):
    df = frame(warehouses[False], security.advisory_timeline)
    # 2024-001: bugs 1 (A, Jan 1) and 2 (B, Jan 10) -> first report Jan 1 -> Feb 15 = 31 + 14 = 45 days
    # 2023-010: bug 12 (L, Oct 1) -> Dec 1 = 31 + 30 = 61 days
    # 2024-002: its only bug is private -> unknown while private bugs are not counted
    assert df.select("advisory_id", "cves", "cve_count", "days_from_report").rows() == [
        ("OSSA-2024-002", "", 0, None), ("OSSA-2024-001", "CVE-2024-1, CVE-2024-2", 2, 45.0),
        ("OSSA-2023-010", "CVE-2023-1", 1, 61.0)]
    counted = frame(warehouses[True], security.advisory_timeline)
    # J created Jan 20 -> Mar 20 = 11 + 29 + 20 = 60 days (an aggregate; the number is not shown)
    assert counted["days_from_report"].to_list() == [60.0, 45.0, 61.0]
    assert not any(n in counted.write_csv() for n in PRIVATE_NUMBERS)


def test_reporters_by_affiliation(warehouses):
    # 3 advisories in the window; Vendor A credits 2, Unknown (no affiliation) 1, Vendor B 1
    assert frame(warehouses[False], security.reporters_by_affiliation).rows() == [
        ("Vendor A", 1, 2, 0.667), ("Unknown", 1, 1, 0.333), ("Vendor B", 1, 1, 0.333)]


def test_every_metric_query_reads_only_privacy_safe_relations():
    offenders = {path.name: unsafe_bug_reads(path.read_text()) for path in SQL.glob("*.sql")}
    assert {name: rels for name, rels in offenders.items() if rels} == {}
    assert unsafe_bug_reads("SELECT title FROM bugs WHERE x") == ["bugs"]
    assert unsafe_bug_reads("select * from bug_base b join x") == ["bug_base"]
    assert unsafe_bug_reads("SELECT * FROM bugs_in(NULL, NULL, NULL)") == []


# -- repository hygiene ---------------------------------------------------------------------------

def test_hygiene_rules():
    assert security_policy(["README.rst", "SECURITY.md"]) == (True, "SECURITY.md")
    assert security_policy([".github/SECURITY.md"])[0]
    assert security_policy(["doc/source/security-contacts.rst"])[0]
    assert not security_policy(["doc/source/securityguide/index.rst", "nova/security.py"])[0]
    assert dependency_constraints(["upper-constraints.txt"], None) == (True, "upper-constraints.txt")
    tox = "[testenv]\ndeps =\n  -c{env:TOX_CONSTRAINTS_FILE:https://releases.openstack.org/constraints/upper/master}\n"
    assert dependency_constraints(["tox.ini"], tox) == (True, "tox.ini uses a constraints file")
    assert not dependency_constraints(["tox.ini", "requirements.txt"], "[testenv]\ndeps = -r requirements.txt\n")[0]


def test_hygiene_checks_from_real_git_repositories(tmp_path):
    git_dir = tmp_path / "git"
    tox = "[testenv]\ndeps =\n  -c{env:TOX_CONSTRAINTS_FILE:https://releases.openstack.org/constraints/upper/master}\n"
    make_repo(git_dir, name="example-server", commits=[
        {"files": {"SECURITY.md": "Report to security@example.org\n", "tox.ini": tox},
         "date": "2024-03-01T10:00:00+00:00"}])
    make_repo(git_dir, name="other-server", commits=[
        {"files": {"doc/source/security-contacts.rst": "Contacts\n", "requirements.txt": "six\n"},
         "date": "2024-03-02T10:00:00+00:00"}])
    db = build(tmp_path / "w.duckdb")
    spec = SourceSpec("repo_checks", "repo_checks:git", str(git_dir))
    for _ in range(2):                                     # idempotent on the same commits
        with writer(db) as con:
            register_source(con, spec.source_id, spec.kind, spec.location)
            for batch in collect_checks(spec, None):
                load_batch(con, spec.source_id, batch)
    df = frame(db, security.repo_hygiene)
    assert df.select("repo", "project", "security_policy", "dependency_constraints").rows() == [
        ("example-server", "example", True, True), ("other-server", "other", True, False)]
    assert df["security_policy_detail"].to_list() == ["SECURITY.md", "doc/source/security-contacts.rst"]
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM repo_checks").fetchone() == (4,)
    assert frame(db, security.repo_hygiene, Filters(team=("Storage",)))["repo"].to_list() == ["other-server"]


def test_time_to_fix_right_axis_ticks_whole_bugs():
    from datetime import date as day

    from healthdash.dashboard.charts.security import time_to_fix_figure

    df = pl.DataFrame({"quarter": [day(2024, 1, 1), day(2024, 4, 1)], "fixed_bugs": [1, 2],
                       "median_days_to_fix": [3.0, 4.5], "p90_days_to_fix": [5.0, 9.0]})
    axis = time_to_fix_figure(df).layout.yaxis2
    # range 0..max(3, 2 x 1.25) = 0..3: ticks at 0, 1, 2, 3 (not plotly's 0.5 steps shown as 0, 0, 1, 1 ...)
    assert (axis.tick0, axis.dtick, list(axis.range)) == (0, 1, [0, 3])
    many = df.with_columns(pl.Series("fixed_bugs", [40, 10]))
    assert time_to_fix_figure(many).layout.yaxis2.dtick == 13        # 0..50 in four whole steps of 13
