"""Quality metrics against numbers computed by hand from a small warehouse.

Fixture (built through the warehouse loaders into a real DuckDB file):

team compute -> project nova -> repos nova, python-novaclient; team storage -> project swift -> swift.

coverage reports (repo, day: lines valid/covered, branches valid/covered):
  nova               2024-01-10: 1000/600, 200/100
  nova               2024-01-25: 1000/650, 200/110
  nova               2024-03-05: 1200/840, 300/180   files manager.py 700/420, api.py 500/420
  python-novaclient  2024-01-15:  100/90,  no branches files shell.py 100/90
  swift              2024-02-10:  400/300, 100/50
  swift              2024-03-20:  400/280, 100/40    files server.py 250/150, utils.py 150/130
(nova's 2024-01-25 report also lists manager.py 600/300: an old report, never "latest".)

commit file changes (added+removed):
  nova  c1 alice@acme   2024-01-10: nova/compute/manager.py 40, nova/tests/unit/test_manager.py 20
  nova  c2 alice@acme   2024-02-10: doc/source/index.rst 10, logo.png binary (0),
                                    nova/tests/functional/test_x.py 20
  swift c3 bob@globex   2024-03-01: swift/obj/server.py 10, test/unit/obj/test_server.py 30
  swift c4 zuul (bot)   2024-03-02: swift/tests/probe/test_a.py 100
"""

from __future__ import annotations

from collections import Counter

from datetime import date, datetime, timezone

import polars as pl
import pytest
from conftest import build_warehouse

from healthdash.dashboard import charts
from healthdash.metrics import quality
from healthdash.metrics.filters import Filters
from healthdash.warehouse import reader

UTC = timezone.utc


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T12:00:00").replace(tzinfo=UTC)


_REPORTS = [  # repo, fingerprint, day, lines valid, covered, branches valid, covered
    ("nova", "n1", "2024-01-10", 1000, 600, 200, 100),
    ("nova", "n2", "2024-01-25", 1000, 650, 200, 110),
    ("nova", "n3", "2024-03-05", 1200, 840, 300, 180),
    ("python-novaclient", "c1", "2024-01-15", 100, 90, None, None),
    ("swift", "s1", "2024-02-10", 400, 300, 100, 50),
    ("swift", "s2", "2024-03-20", 400, 280, 100, 40),
]
_FILES = [  # repo, fingerprint, path, valid, covered
    ("nova", "n2", "nova/compute/manager.py", 600, 300),
    ("nova", "n3", "nova/compute/manager.py", 700, 420),
    ("nova", "n3", "nova/api.py", 500, 420),
    ("python-novaclient", "c1", "novaclient/shell.py", 100, 90),
    ("swift", "s2", "swift/obj/server.py", 250, 150),
    ("swift", "s2", "swift/common/utils.py", 150, 130),
]
_COMMITS = [("nova", "c1", "alice", "2024-01-10"), ("nova", "c2", "alice", "2024-02-10"),
            ("swift", "c3", "bob", "2024-03-01"), ("swift", "c4", "zuul", "2024-03-02")]
_CHANGES = [  # repo, sha, path, added, removed
    ("nova", "c1", "nova/compute/manager.py", 30, 10), ("nova", "c1", "nova/tests/unit/test_manager.py", 20, 0),
    ("nova", "c2", "doc/source/index.rst", 5, 5), ("nova", "c2", "logo.png", None, None),
    ("nova", "c2", "nova/tests/functional/test_x.py", 15, 5),
    ("swift", "c3", "swift/obj/server.py", 8, 2), ("swift", "c3", "test/unit/obj/test_server.py", 30, 0),
    ("swift", "c4", "swift/tests/probe/test_a.py", 100, 0),
]
_EMAILS = {"alice": "alice@acme.com", "bob": "bob@globex.com", "zuul": "zuul@ci.example"}

QUALITY_FIXTURE = {
    "teams": pl.DataFrame({"name": ["compute", "storage"]}),
    "projects": pl.DataFrame({"name": ["nova", "swift"], "team": ["compute", "storage"]}),
    "repos": pl.DataFrame({"name": ["nova", "python-novaclient", "swift"], "project": ["nova", "nova", "swift"]}),
    "bot_patterns": pl.DataFrame({"pattern": ["zuul*"]}),
    "org_domains": pl.DataFrame({"domain": ["acme.com", "globex.com"], "org": ["Acme", "Globex"]}),
    "identities": pl.DataFrame({"identity_id": [f"git:{p}" for p in _EMAILS], "source": ["git"] * 3,
                                "name": list(_EMAILS), "email": list(_EMAILS.values())}),
    "commits": pl.DataFrame({
        "repo": [c[0] for c in _COMMITS], "sha": [c[1] for c in _COMMITS], "is_merge": [False] * 4,
        "author_identity": [f"git:{c[2]}" for c in _COMMITS], "author_date": [_at(c[3]) for c in _COMMITS],
        "committer_identity": [f"git:{c[2]}" for c in _COMMITS], "commit_date": [_at(c[3]) for c in _COMMITS]}),
    "commit_files": pl.DataFrame(_CHANGES, schema=["repo", "sha", "path", "added", "removed"], orient="row"),
    "coverage_reports": pl.DataFrame({
        "repo": [r[0] for r in _REPORTS], "fingerprint": [r[1] for r in _REPORTS],
        "measured_at": [_at(r[2]) for r in _REPORTS], "tool": ["coverage.py"] * 6,
        "lines_valid": [r[3] for r in _REPORTS], "lines_covered": [r[4] for r in _REPORTS],
        "branches_valid": [r[5] for r in _REPORTS], "branches_covered": [r[6] for r in _REPORTS]}),
    "coverage_files": pl.DataFrame({
        "repo": [f[0] for f in _FILES], "fingerprint": [f[1] for f in _FILES], "path": [f[2] for f in _FILES],
        "measured_at": [_at("2024-03-05")] * 6, "tool": ["coverage.py"] * 6,
        "lines_valid": [f[3] for f in _FILES], "lines_covered": [f[4] for f in _FILES]}),
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_warehouse(tmp_path_factory.mktemp("quality") / "q.duckdb", QUALITY_FIXTURE)
    with reader(path) as connection:
        yield connection


def rows(df: pl.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in df.select(columns).rows()]


def test_latest_coverage_per_repo_with_change(con):
    df = quality.coverage_latest_by_repo(con, Filters())
    # nova 840/1200 = 0.7 (was 650/1000 = 0.65: +0.05); novaclient 90/100 = 0.9 (no earlier report);
    # swift 280/400 = 0.7 (was 300/400 = 0.75: -0.05).  Branches: nova 180/300, swift 40/100.
    assert rows(df, "repo", "line_coverage", "branch_coverage", "line_coverage_change") == [
        ("python-novaclient", 0.9, None, None), ("nova", 0.7, 0.6, 0.05), ("swift", 0.7, 0.4, -0.05)]


def test_latest_as_of_the_window_end(con):
    df = quality.coverage_latest_by_repo(con, Filters(end=date(2024, 2, 15)))
    # on 2024-02-15: nova's 01-25 report (0.65), novaclient 0.9, swift's 02-10 (300/400 = 0.75)
    assert rows(df, "repo", "line_coverage") == [("python-novaclient", 0.9), ("swift", 0.75), ("nova", 0.65)]


def test_project_coverage_is_weighted_by_lines(con):
    df = quality.coverage_latest_by_project(con, Filters())
    # nova: (840 + 90) / (1200 + 100) = 930/1300 = 0.715385 -- an average of percentages would say 0.8;
    # branches only from nova (180/300).  swift: 280/400 = 0.7, 40/100.
    assert rows(df, "project", "repos_measured", "lines_valid", "lines_covered", "line_coverage",
                "branch_coverage") == [("nova", 2, 1300, 930, 0.715385, 0.6), ("swift", 1, 400, 280, 0.7, 0.4)]
    df = quality.coverage_latest_by_project(con, Filters(team=("storage",)))
    assert rows(df, "project", "line_coverage") == [("swift", 0.7)]


def test_summary_kpis(con):
    df = quality.coverage_summary(con, Filters())
    # (840 + 90 + 280) / (1200 + 100 + 400) = 1210/1700; branches (180 + 40) / (300 + 100) = 0.55
    assert rows(df, "repos_measured", "lines_valid", "lines_covered", "line_coverage", "branch_coverage") == [
        (3, 1700, 1210, round(1210 / 1700, 6), 0.55)]


def test_summary_of_nothing_is_zero_repos(con):
    df = quality.coverage_summary(con, Filters(repo=("no-such-repo",)))
    assert rows(df, "repos_measured", "lines_valid", "line_coverage") == [(0, 0, None)]


def test_trend_carries_each_repo_to_the_month_end(con):
    df = quality.coverage_trend_by_project(con, Filters())
    # Jan: nova 650/1000 (01-25) + novaclient 90/100 = 740/1100; swift not measured yet.
    # Feb: nova and novaclient carried (740/1100); swift 300/400 (02-10).
    # Mar: nova 840/1200 + novaclient 90/100 = 930/1300; swift 280/400 (03-20).
    assert rows(df, "month", "project", "repos_measured", "lines_covered", "lines_valid", "line_coverage") == [
        (date(2024, 1, 1), "nova", 2, 740, 1100, round(740 / 1100, 6)),
        (date(2024, 2, 1), "nova", 2, 740, 1100, round(740 / 1100, 6)),
        (date(2024, 2, 1), "swift", 1, 300, 400, 0.75),
        (date(2024, 3, 1), "nova", 2, 930, 1300, round(930 / 1300, 6)),
        (date(2024, 3, 1), "swift", 1, 280, 400, 0.7),
    ]


def test_trend_window_uses_reports_from_before_it(con):
    df = quality.coverage_trend_by_project(con, Filters(start=date(2024, 2, 1), end=date(2024, 2, 29)))
    # February only; nova's figure comes from January reports (carried)
    assert rows(df, "month", "project", "line_coverage") == [
        (date(2024, 2, 1), "nova", round(740 / 1100, 6)), (date(2024, 2, 1), "swift", 0.75)]


def test_history_per_repo_keeps_each_months_last_report(con):
    df = quality.coverage_by_repo(con, Filters())
    # nova: Jan -> 01-25 (0.65), Mar (0.7, latest); novaclient Jan (0.9, latest); swift Feb 0.75, Mar 0.7 (latest)
    assert rows(df, "repo", "month", "line_coverage", "is_latest") == [
        ("nova", date(2024, 1, 1), 0.65, False), ("nova", date(2024, 3, 1), 0.7, True),
        ("python-novaclient", date(2024, 1, 1), 0.9, True),
        ("swift", date(2024, 2, 1), 0.75, False), ("swift", date(2024, 3, 1), 0.7, True)]
    df = quality.coverage_by_repo(con, Filters(project=("swift",), start=date(2024, 3, 1)))
    assert rows(df, "repo", "month", "is_latest") == [("swift", date(2024, 3, 1), True)]


def test_files_with_most_uncovered_lines_come_from_latest_reports(con):
    df = quality.uncovered_files(con, Filters(), top_n=3)
    # manager.py 700-420 = 280 (the old report's 300 does not count), server.py 100, api.py 80
    assert rows(df, "repo", "path", "lines_uncovered", "line_coverage") == [
        ("nova", "nova/compute/manager.py", 280, 0.6), ("swift", "swift/obj/server.py", 100, 0.6),
        ("nova", "nova/api.py", 80, 0.84)]
    df = quality.uncovered_files(con, Filters(team=("storage",)))
    assert rows(df, "path", "lines_uncovered") == [("swift/obj/server.py", 100), ("swift/common/utils.py", 20)]


def test_share_of_changed_lines_in_test_files(con):
    df = quality.test_line_share(con, Filters())
    # nova: tests 20 + 20 = 40 of 40 + 20 + 10 + 0 + 20 = 90 -> 0.444444
    # swift (bot excluded): test/ 30 of 10 + 30 = 40 -> 0.75
    assert rows(df, "repo", "commits", "changed_lines", "test_lines", "test_share") == [
        ("swift", 1, 40, 30, 0.75), ("nova", 2, 90, 40, round(40 / 90, 6))]
    with_bots = quality.test_line_share(con, Filters(include_bots=True, repo=("swift",)))
    assert rows(with_bots, "test_lines", "changed_lines") == [(130, 140)]       # + zuul's 100 test lines
    assert rows(quality.test_line_share(con, Filters(org=("Acme",))), "repo") == [("nova",)]
    # February on: only c2 (20 of 30) and c3
    since_feb = quality.test_line_share(con, Filters(start=date(2024, 2, 1)))
    assert rows(since_feb, "repo", "test_share") == [("swift", 0.75), ("nova", round(20 / 30, 6))]


def test_quality_charts_render_frames_and_empty_states(con):
    registered = {c.name: c for c in charts.for_page("quality")}
    assert {"coverage-by-repo", "coverage-by-project", "coverage-trend-by-project",
            "coverage-uncovered-files", "test-line-share"} <= set(registered)
    for chart in registered.values():
        if not chart.name.startswith(("coverage-", "test-line-")):
            continue                                      # other areas' charts on the same page
        frame = chart.metric(con, Filters())
        figure = chart.figure(frame, Filters())
        assert figure.data and not (figure.layout.meta or {}).get("empty"), chart.name
        empty = chart.figure(frame.clear(), Filters(extra={"present": "1"}))
        assert (empty.layout.meta or {}).get("empty"), chart.name
    kpis = {k.name: k for k in charts.kpis_for_page("quality")}
    summary = kpis["quality-line-coverage"].metric(con, Filters())
    assert format(summary["line_coverage"][0], kpis["quality-line-coverage"].format) == "71.2%"   # 1210/1700


def test_sparkline_figure_has_one_bar_per_repo_and_one_line_each(con):
    frame = quality.coverage_by_repo(con, Filters())
    figure = registered_figure("coverage-by-repo")(frame, Filters())
    bars = [t for t in figure.data if t.type == "bar"]
    lines = [t for t in figure.data if t.type == "scatter"]
    assert list(bars[0].y) == ["python-novaclient", "nova", "swift"]              # 0.9, 0.7, 0.7 (name order)
    # one line per repo in its own band (row i spans i ± 0.4), broken by None between repos:
    # python-novaclient 1 month, nova and swift 2 each
    points = [(text.split(":")[0], y) for t in lines for text, y in zip(t.text, t.y) if y is not None]
    assert sorted(Counter(repo for repo, _ in points).items()) == [("nova", 2), ("python-novaclient", 1),
                                                                   ("swift", 2)]
    band = {"python-novaclient": 0, "nova": 1, "swift": 2}
    assert all(band[repo] - 0.4 <= y <= band[repo] + 0.4 for repo, y in points)


def registered_figure(name: str):
    return charts.load_all()[name].figure
