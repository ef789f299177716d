"""Security's advisory charts at a large community's size: ten projects in colour, the rest together.

Hundreds of projects were hundreds of one-project traces (a legend of hundreds, a timeline
thousands of pixels tall); the CSV keeps every row (the metric is unchanged).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from healthdash.dashboard.charts.security import advisories_per_year_figure, advisory_timeline_figure
from healthdash.dashboard.figures import MAX_BARS, MAX_LINES


def test_advisories_per_year_draw_ten_projects_and_the_rest_as_one_band():
    assert MAX_LINES == 10
    # project p00 has 13 advisories in 2020, p01 12, ... p11 2 (12 projects); p10 and p11 are the rest
    rows = [(2020, f"p{k:02d}", 13 - k) for k in range(12)] + [(2021, "p11", 5)]
    df = pl.DataFrame(rows, schema=["year", "project", "advisories"], orient="row")
    fig = advisories_per_year_figure(df)
    names = [t.name for t in fig.data]
    # totals (p11: 2 + 5 = 7): p00 13, p01 12, p02 11, p03 10, p04 9, p05 8, p06 7, p11 7, p07 6, p08 5
    # | p09 4, p10 3 (ties by name: p06 before p11)
    assert names[:MAX_LINES] == ["p00", "p01", "p02", "p03", "p04", "p05", "p06", "p11", "p07", "p08"]
    assert names[-1] == "2 other projects"
    others = fig.data[-1]
    assert list(others.x) == [2020] and list(others.y) == [4 + 3]      # p09 and p10 in 2020
    assert sum(sum(t.y) for t in fig.data) == df["advisories"].sum()     # nothing lost


def test_the_advisory_timeline_draws_the_projects_with_the_most_advisories():
    assert MAX_BARS == 25
    # 30 projects; project k has k + 1 advisories, so q05..q29 (25 projects) are drawn
    rows = [(f"OSSA-{k}-{n}", f"q{k:02d}", date(2020, 1, 1 + n), "t", "", 0, None)
            for k in range(30) for n in range(k + 1)]
    df = pl.DataFrame(rows, schema=["advisory_id", "projects", "published", "title", "cves", "cve_count",
                                    "days_from_report"], orient="row")
    fig = advisory_timeline_figure(df)
    drawn = sorted({y for t in fig.data for y in t.y})
    assert drawn == [f"q{k:02d}" for k in range(5, 30)]
    assert "the 25 of 30 projects with the most advisories" in fig.layout.title.text
