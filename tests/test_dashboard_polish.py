"""Dashboard polish: full grid rows, the in-progress last period, table formats, bar-label room.

Pure builder checks use small hand-made frames; the end-to-end checks use the
hand-countable ``participation_warehouse`` (conftest), whose newest contribution
is the commit of 2024-03-25, so March 2024 is the running month there.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import plotly.graph_objects as go
import polars as pl
import pytest

from healthdash.dashboard import callbacks as cb
from healthdash.dashboard import charts as registry
from healthdash.dashboard.components import table_rows
from healthdash.dashboard.data import Warehouse
from healthdash.dashboard.figures import apply_house_style, area_over_time, bar_top, line_over_time
from healthdash.dashboard.periods import IN_PROGRESS, mark_in_progress, partial_period
from healthdash.settings import Settings

MONTHS = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]


def _marked(fig: go.Figure) -> bool:
    return any(a.name == IN_PROGRESS for a in fig.layout.annotations)


# --------------------------------------------------------------------------- grid


@pytest.mark.parametrize("page", ["participation", "quality", "security", "data", "organisation"])
def test_cards_fill_whole_rows(page):
    """Consecutive card widths add up to exactly 12: no row with a lone half-width card."""
    filled = 0
    for chart in registry.for_page(page):
        assert filled + chart.width <= 12, f"{chart.name} overflows a row on {page}"
        filled = (filled + chart.width) % 12
    assert filled == 0, f"the last row of {page} is not full"


# --------------------------------------------------------------------------- partial period


def test_partial_period_month_and_quarter():
    # Data to 9 Nov: November (1-30 Nov) is running.
    assert partial_period(MONTHS, date(2026, 11, 9)) == (1, date(2026, 11, 1), date(2026, 11, 30))
    # Data to 30 Nov, the month's last day: complete.
    assert partial_period(MONTHS, date(2026, 11, 30)) is None
    # Data ends in a later month than the series' last one: the series' last month is complete.
    assert partial_period(MONTHS[:2], date(2026, 11, 9)) is None
    # Month-end dates (25 Nov is "as of today") are placed in their own month.
    assert partial_period([date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 25)], date(2026, 11, 9))[0] == 1
    # Quarters (gaps of ~91 days): Q2 2026 runs 1 Apr - 30 Jun.
    quarters = [date(2025, 10, 1), date(2026, 1, 1), date(2026, 4, 1)]
    assert partial_period(quarters, date(2026, 5, 20)) == (3, date(2026, 4, 1), date(2026, 6, 30))
    assert partial_period(quarters, date(2026, 6, 30)) is None
    # Yearly or irregular series are left alone.
    assert partial_period([date(2024, 1, 1), date(2025, 1, 1)], date(2025, 3, 1)) is None


def test_line_marked_only_when_last_month_is_partial():
    df = pl.DataFrame({"month": MONTHS, "coverage": [0.9, 0.91, 1.0]})
    build = line_over_time(x="month", y="coverage", percent=True)
    marked = mark_in_progress(build(df, None), date(2026, 11, 9), data_end=date(2026, 11, 9))
    assert _marked(marked)
    note = next(a.text for a in marked.layout.annotations if a.name == IN_PROGRESS)
    assert note == "Nov 2026: month in progress, data to 9 Nov"
    # The plotted series keeps every value; the dotted overlay only repeats the last segment.
    series = [t for t in marked.data if t.name != IN_PROGRESS]
    assert len(series) == 1 and list(series[0].y) == [0.9, 0.91, 1.0]
    overlays = [t for t in marked.data if t.name == IN_PROGRESS]
    assert overlays and all(list(t.x) == MONTHS[1:] and t.hoverinfo == "skip" for t in overlays)
    assert any(t.line.dash == "dot" for t in overlays)
    # Complete last month: nothing added.
    plain = mark_in_progress(build(df, None), date(2026, 11, 30))
    assert not _marked(plain) and len(plain.data) == 1
    # No known end (e.g. no warehouse): nothing added.
    assert not _marked(mark_in_progress(build(df, None), None))


def test_filter_end_says_partial_not_in_progress():
    df = pl.DataFrame({"month": MONTHS, "coverage": [0.9, 0.91, 1.0]})
    fig = mark_in_progress(line_over_time(x="month", y="coverage")(df, None), date(2026, 11, 15),
                           data_end=date(2026, 11, 20))
    assert next(a.text for a in fig.layout.annotations if a.name == IN_PROGRESS) == \
        "Nov 2026: partial month, up to 15 Nov"


def test_bars_get_a_lighter_last_bar_and_areas_a_faded_segment():
    bars = go.Figure(go.Bar(x=MONTHS, y=[3, 4, 1]))
    mark_in_progress(bars, date(2026, 11, 9))
    assert list(bars.data[0].marker.opacity) == [1.0, 1.0, 0.45]
    assert list(bars.data[0].y) == [3, 4, 1]
    df = pl.DataFrame({"month": MONTHS * 2, "org": ["A"] * 3 + ["B"] * 3, "n": [5, 6, 1, 2, 3, 1]})
    area = mark_in_progress(area_over_time(x="month", y="n", series="org")(df, None), date(2026, 11, 9))
    assert _marked(area)
    assert len(area.data) == 2  # a stacked trace is never split (it would stack twice)
    fades = [s for s in area.layout.shapes if s.name == IN_PROGRESS]
    assert len(fades) == 1 and fades[0].x0 == MONTHS[1] and fades[0].x1 == MONTHS[2]


def test_empty_and_categorical_figures_are_left_alone():
    df = pl.DataFrame({"org": ["A", "B"], "n": [3, 1]})
    fig = bar_top(label="org", value="n")(df, None)
    assert not _marked(mark_in_progress(fig, date(2026, 11, 9)))
    empty = line_over_time(x="month", y="n")(pl.DataFrame({"month": [], "n": []}), None)
    assert not _marked(mark_in_progress(empty, date(2026, 11, 9)))


# --------------------------------------------------------------------------- end to end


@pytest.fixture
def context(participation_warehouse):
    return cb.DashboardContext(Settings(path=None, warehouse=participation_warehouse),
                               Warehouse(participation_warehouse))


def test_chart_view_marks_running_month_and_csv_keeps_every_row(context):
    # Newest contribution: the commit of 2024-03-25, so March 2024 (to the 31st) is running.
    assert context.warehouse.data_end() == date(2024, 3, 25)
    graph = cb.chart_view(context, "commits-by-org", "?team=compute")
    assert _marked(graph.figure)
    content = cb.chart_csv(context, "commits-by-org", "?team=compute")["content"].removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(content)))
    # 3 months x 4 organisations, zero-filled (see test_dashboard): March is still in the CSV.
    assert len(rows) == 12 and {r["month"] for r in rows} == {"2024-01-01", "2024-02-01", "2024-03-01"}
    # The stacked series still plot all 8 commits of team compute (Acme 3, Globex 3, Independent 1, Initech 1).
    plotted = sum(sum(t.y) for t in graph.figure.data if t.name != IN_PROGRESS)
    assert plotted == sum(int(r["commits"]) for r in rows) == 8


def test_chart_view_unmarked_when_window_ends_on_a_month_end(context):
    # end=2024-02-29: the window's last month, February, is complete (leap year: 29 days).
    graph = cb.chart_view(context, "commits-by-org", "?end=2024-02-29")
    assert not _marked(graph.figure)
    # end=2024-02-15 cuts February short: marked as a partial month.
    graph = cb.chart_view(context, "commits-by-org", "?end=2024-02-15")
    notes = [a.text for a in graph.figure.layout.annotations if a.name == IN_PROGRESS]
    assert notes == ["Feb 2024: partial month, up to 15 Feb"]


# --------------------------------------------------------------------------- tables and labels


def test_table_formats_numbers_and_links_only_web_urls():
    df = pl.DataFrame({
        "bug": ["#2100403", "#2100417"],
        "link": ["https://bugs.launchpad.example/glacier/+bug/2100403", None],
        "note": ["javascript:alert(1)", "plain"],
        "age_days": [231.2, 189.6], "top1_share": [0.307, 0.5], "contributions": [8436, 12],
        "cves": ["CVE-2025-31881, CVE-2025-38457", ""],
    })
    columns, rows = table_rows(df)
    by_id = {c["field"]: c for c in columns}
    assert by_id["age_days"]["format"] == ",.0f"                      # 231.2 days -> "231"
    assert by_id["top1_share"]["format"] == ".1%"                     # 0.307 -> "30.7%"
    assert by_id["contributions"]["format"] == ","                    # 8436 -> "8,436"
    assert "d3.format(',')" in by_id["contributions"]["valueFormatter"]["function"]
    assert by_id["link"]["cellRenderer"] == "markdown" and "cellRenderer" not in by_id["note"]
    # Headers in words from the one mapping (healthdash.labels).
    assert by_id["top1_share"]["headerName"] == "Top-1 share" and by_id["age_days"]["headerName"] == "Age days"
    assert rows[0]["link"] == "[2100403 ↗](https://bugs.launchpad.example/glacier/+bug/2100403)"
    assert rows[1]["link"] is None                                    # no link, no cell text
    assert rows[0]["note"] == "javascript:alert(1)"                    # never a link
    assert rows[0]["cves"].startswith("[CVE-2025-31881](https://www.cve.org/CVERecord?id=CVE-2025-31881), ")
    assert rows[0]["age_days"] == 231.2                                 # values themselves unchanged


def test_right_margin_holds_the_longest_outside_bar_label():
    label = "178 of 672 lines (73.5% covered)"
    fig = go.Figure(go.Bar(x=[178, 20], y=["a", "b"], orientation="h", text=[label, "1"], textposition="outside"))
    apply_house_style(fig)
    # 13px type: ~0.58 em per character, so the 32-character label needs ~241 px past the axis end.
    assert fig.layout.margin.r >= 0.58 * 13 * len(label)
    plain = apply_house_style(go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h")))
    assert plain.layout.margin.r == 24


# --------------------------------------------------------------------------- review KPIs


def test_review_kpis_are_on_the_quality_and_security_cards():
    assert "quality-first-review-hours" in [k.name for k in registry.kpis_for_page("quality")]
    assert "security-review-coverage" in [k.name for k in registry.kpis_for_page("security")]
