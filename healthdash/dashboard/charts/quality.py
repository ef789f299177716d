"""Quality page charts and KPIs from coverage reports and commit file changes (issue 6).

Registers entries tying :mod:`healthdash.metrics.quality` to figure builders;
the Quality page, CSV downloads, embeds and ``healthdash export`` read them.
Builders are pure ``(df, filters) -> go.Figure`` functions in the house style
of :mod:`healthdash.dashboard.figures`; no Dash import here.  The review and
bug charts of the same page are registered by their own area modules.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from healthdash.dashboard.charts import PROJECT_PANEL_READS, Chart, Kpi, reads_except, register, register_kpi
from healthdash.dashboard.figures import (COLORS, Points, apply_house_style, empty_figure, is_present,
                                          line_over_time)
from healthdash.metrics import quality

#: Coverage at or above GOOD is green, at or above FAIR amber, below it red.
GOOD, FAIR = 0.80, 0.60
#: Percentage ticks stop at 100% even when the axis leaves room for the bar labels.
PERCENT_TICKS = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
NO_COVERAGE = "No coverage reports collected for these filters yet."


def coverage_color(value: float | None) -> str:
    if value is None:
        return COLORS["neutral"]
    return COLORS["good"] if value >= GOOD else COLORS["warn"] if value >= FAIR else COLORS["bad"]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _trend_color(values: list[float]) -> str:
    """Green when the sparkline ends 1 point or more above its start, red when below, else grey-blue."""
    if len(values) < 2 or abs(values[-1] - values[0]) < 0.01:
        return COLORS["primary"]
    return COLORS["good"] if values[-1] > values[0] else COLORS["bad"]


def _spark_range(values: list[float]) -> list[float]:
    """A y range around the series at least 20 points tall, so noise stays small and trends show."""
    if not values:
        return [0.0, 1.0]
    middle = (min(values) + max(values)) / 2
    half = max(0.10, (max(values) - min(values)) / 2 + 0.03)
    return [middle - half, middle + half]


#: Most repositories / projects the coverage bars draw (those with the most measured lines):
#: 300 were 10,000-pixel figures that took the browser ~1.5 s each to draw.
MAX_COVERAGE_ROWS = 25


def coverage_by_repo_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Left: each repo's latest line coverage as a bar; right: its monthly trend as a sparkline.

    The sparklines share one axis, each drawn in its repo's band (row ``i`` of the bars spans
    ``i ± 0.4``), scaled to its own :func:`_spark_range`; hovering shows the real coverage.  One
    axis and one trace per trend colour (lines broken between repos) instead of a subplot and a
    trace per repo keeps the figure's cost flat in the number of repos (300 repos: ~70 s of
    subplot layout on a busy 2-core machine before).
    """
    present = is_present(filters)
    if df.is_empty():
        return empty_figure(NO_COVERAGE, present=present)
    latest = df.filter(pl.col("is_latest"))
    total = latest.height
    if total > MAX_COVERAGE_ROWS:      # the largest code bases (see MAX_COVERAGE_ROWS); the CSV keeps all
        latest = latest.sort(["lines_valid", "repo"], descending=[True, False]).head(MAX_COVERAGE_ROWS)
        df = df.filter(pl.col("repo").is_in(latest["repo"].implode()))
    latest = latest.sort(["line_coverage", "repo"], descending=[True, False])
    repos = latest["repo"].to_list()
    rows = len(repos)
    values = latest["line_coverage"].to_list()
    branches = latest["branch_coverage"].to_list()
    text = [_pct(v) + (f" · branches {_pct(b)}" if b is not None else "") for v, b in zip(values, branches)]
    traces: list[Any] = [{
        "type": "bar", "x": values, "y": repos, "orientation": "h", "text": text, "textposition": "outside",
        "cliponaxis": False, "marker": {"color": [coverage_color(v) for v in values]}, "showlegend": False,
        "customdata": [list(row) for row in latest.select("lines_covered", "lines_valid").rows()],
        "hovertemplate": "%{y}: %{x:.1%} (%{customdata[0]:,} of %{customdata[1]:,} lines)<extra></extra>",
    }]
    for color, (xs, ys, hover) in _sparklines(df, repos).items():
        # plain dicts, ISO dates and text: thousands of points go straight to JSON (see below)
        traces.append({"type": "scatter", "x": Points(xs), "y": Points(ys), "text": Points(hover),
                       "xaxis": "x2", "yaxis": "y2",
                       "mode": "lines", "showlegend": False, "line": {"width": 2, "color": color},
                       "connectgaps": False, "hovertemplate": "%{text}<br>%{x|%b %Y}<extra></extra>"})
    band = [rows - 0.5, -0.5]                      # row 0 at the top on both sides
    # _validate=False: plotly would walk and deep-copy every point of every list (~1 s per
    # 10,000 points); these traces are built here from typed frames, so nothing needs checking.
    # The sparkline points are Points: shared, not deep-copied again when the figure is serialised.
    fig = go.Figure(_validate=False, data=traces, layout={
        "xaxis": {"domain": [0, 0.57], "range": [0, 1.4], "tickformat": ".0%", "tickvals": PERCENT_TICKS,
                  "title": {"text": "Line coverage, latest report" + (
                      f" ({rows} largest of {total:,} repositories)" if total > rows else "")}},
        "yaxis": {"type": "category", "categoryorder": "array", "categoryarray": repos, "range": band},
        "xaxis2": {"domain": [0.63, 1], "anchor": "y2", "type": "date",
                   "range": [str(df["month"].min()), str(df["month"].max())],
                   "showgrid": False, "tickformat": "%b %Y"},
        "yaxis2": {"anchor": "x2", "range": band, "showticklabels": False, "showgrid": False, "zeroline": False},
        "height": None if present else max(300, 70 + 36 * rows), "bargap": 0.3})
    return apply_house_style(fig, present=present)


def _sparklines(df: pl.DataFrame, repos: list[str]) -> dict[str, tuple[list, list, list]]:
    """Trend colour -> x (ISO months), y and hover text of the sparklines of those repos, repo
    after repo in ``repos`` order, each line in month order and broken (None) after its last month.

    Row ``i``'s points are scaled into ``i ± 0.4`` by its :func:`_spark_range`; the per-point
    arithmetic runs in polars, in the same order of operations as ``i + 0.4 - 0.8 * (v - low) /
    (high - low)`` in Python (so the same floats), the per-repo ranges and colours in Python.
    """
    rows = pl.DataFrame({"repo": repos, "_row": list(range(len(repos)))})
    points = df.select("repo", "month", "line_coverage").join(rows, on="repo").sort(["_row", "month"])
    stats = points.group_by("_row").agg(
        pl.col("line_coverage").min().alias("low"), pl.col("line_coverage").max().alias("high"),
        pl.col("line_coverage").drop_nulls().first().alias("first"),
        pl.col("line_coverage").drop_nulls().last().alias("last"), pl.col("line_coverage").count().alias("n"))
    colors, lows, highs = {}, {}, {}
    for row, low, high, first, last, n in stats.iter_rows():
        present = [] if n == 0 else [first] if n == 1 else [first, last]
        colors[row] = _trend_color(present)
        lows[row], highs[row] = _spark_range([low, high] if n else [])
    scale = pl.DataFrame({"_row": list(colors), "color": list(colors.values()),
                          "_low": [lows[r] for r in colors], "_high": [highs[r] for r in colors]})
    points = points.join(scale, on="_row").with_columns(
        ((pl.col("_row").cast(pl.Float64) + 0.4)
         - 0.8 * (pl.col("line_coverage") - pl.col("_low")) / (pl.col("_high") - pl.col("_low"))).alias("y"),
        pl.col("month").cast(pl.String).alias("x"), _gap=pl.lit(False))
    gaps = points.select("_row", "color", "repo").unique("_row").with_columns(
        pl.lit(None, dtype=pl.String).alias("x"), pl.lit(None, dtype=pl.Float64).alias("y"),
        pl.lit(None, dtype=pl.Float64).alias("line_coverage"), _gap=pl.lit(True))
    columns = ["_row", "color", "repo", "x", "y", "line_coverage", "_gap"]
    both = pl.concat([points.select(columns), gaps.select(columns)]).sort(["_row", "_gap", "x"])
    lines: dict[str, tuple[list, list, list]] = {}
    for (color,), part in both.group_by("color", maintain_order=True):
        hover = [("" if gap else f"{repo}: {_pct(v)}") for repo, v, gap in
                 zip(part["repo"].to_list(), part["line_coverage"].to_list(), part["_gap"].to_list())]
        lines[color] = (part["x"].to_list(), part["y"].to_list(), hover)
    return lines


def project_coverage_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Horizontal bars of each project's lines-weighted coverage, best at the top."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure(NO_COVERAGE, present=present)
    total = df.height
    if total > MAX_COVERAGE_ROWS:
        df = (df.sort(["lines_valid", "project"], descending=[True, False]).head(MAX_COVERAGE_ROWS)
              .sort(["line_coverage", "project"], descending=[True, False]))
    names = df["project"].to_list()
    values = df["line_coverage"].to_list()
    text = [f"{_pct(v)} of {n:,} lines" + (f" · branches {_pct(b)}" if b is not None else "")
            for v, n, b in zip(values, df["lines_valid"].to_list(), df["branch_coverage"].to_list())]
    fig = go.Figure(go.Bar(
        x=values, y=names, orientation="h", text=text, textposition="outside", cliponaxis=False,
        marker={"color": [coverage_color(v) for v in values]},
        customdata=df["repos_measured"].to_list(),
        hovertemplate="%{y}: %{x:.1%} over %{customdata} repos<extra></extra>",
    ))
    fig.update_xaxes(range=[0, 1.02], tickformat=".0%", tickvals=PERCENT_TICKS,
                     title_text="Line coverage, weighted by lines" + (
                         f" ({len(names)} largest of {total:,} projects)" if total > len(names) else ""))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names)
    fig.update_layout(showlegend=False, bargap=0.3, height=None if present else max(260, 60 + 34 * len(names)))
    return apply_house_style(fig, present=present)


def uncovered_files_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Horizontal bars: uncovered lines per file, most at the top."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No uncovered lines in the latest reports for these filters.", present=present)
    labels = [f"{r}: {p}" for r, p in zip(df["repo"].to_list(), df["path"].to_list())]
    values = df["lines_uncovered"].to_list()
    text = [f"{u:,} of {v:,} lines ({_pct(c)} covered)"
            for u, v, c in zip(values, df["lines_valid"].to_list(), df["line_coverage"].to_list())]
    fig = go.Figure(go.Bar(
        x=values, y=labels, orientation="h", text=text, textposition="outside", cliponaxis=False,
        marker={"color": COLORS["bad"]}, hovertemplate="%{y}<br>%{text}<extra></extra>",
    ))
    fig.update_xaxes(range=[0, max(values) * 1.04], title_text="Uncovered lines")
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    fig.update_layout(showlegend=False, bargap=0.25, height=None if present else max(300, 60 + 26 * len(labels)))
    return apply_house_style(fig, present=present)


#: Most repositories the test-line share chart draws.
MAX_SHARE_BARS = 25


def test_share_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Horizontal bars: share of each repo's changed lines that are in test files; beyond
    :data:`MAX_SHARE_BARS` repositories, those with the most changed lines (2,000 bars were a
    60,000-pixel figure the browser took tens of seconds to draw; the CSV keeps every row)."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No commits with file changes for these filters.", present=present)
    total = df.height
    if total > MAX_SHARE_BARS:
        kept = set(df.sort(["changed_lines", "repo"], descending=[True, False])["repo"].head(MAX_SHARE_BARS).to_list())
        df = df.filter(pl.col("repo").is_in(kept))
    names = df["repo"].to_list()
    values = [v or 0.0 for v in df["test_share"].to_list()]
    text = [f"{v:.0%} of {n:,} lines" for v, n in zip(values, df["changed_lines"].to_list())]
    fig = go.Figure(go.Bar(
        x=values, y=names, orientation="h", text=text, textposition="outside", cliponaxis=False,
        marker={"color": COLORS["primary"]}, hovertemplate="%{y}: %{text} in tests<extra></extra>",
    ))
    fig.update_xaxes(range=[0, 1.02], tickformat=".0%", tickvals=PERCENT_TICKS,
                     title_text="Changed lines in test files" + (
                         f" ({len(names)} repositories with the most changed lines, of {total:,})"
                         if total > len(names) else ""))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names)
    fig.update_layout(showlegend=False, bargap=0.3, height=None if present else max(260, 60 + 30 * len(names)))
    return apply_house_style(fig, present=present)


test_share_figure.__test__ = False         # a figure builder, not a pytest test

register(Chart(
    name="coverage-by-repo", title="Test coverage per repository", page="quality",
    reads=PROJECT_PANEL_READS,
    needs=("coverage_reports",),
    metric=quality.coverage_by_repo, figure=coverage_by_repo_figure, order=10,
    description=("Line coverage of each repository's latest report in the window (covered / valid lines; "
                 "branches when measured) with its monthly trend; green from 80%, amber from 60%."),
    empty_message=NO_COVERAGE, width=7,
    csv_note=("Download CSV: every repository's monthly reports (the sparklines); the bars are the rows "
              f"with is_latest = true (with more than {MAX_COVERAGE_ROWS} repositories, the "
              f"{MAX_COVERAGE_ROWS} with the most measured lines are drawn)"),
))
register(Chart(
    name="coverage-by-project", title="Coverage per project", page="quality",
    reads=PROJECT_PANEL_READS,
    needs=("coverage_reports",),
    metric=quality.coverage_latest_by_project, figure=project_coverage_figure, order=20,
    description=("Latest line coverage per project, weighted by lines: the sum of covered lines over the sum "
                 "of valid lines of its repositories' latest reports, not an average of percentages."),
    empty_message=NO_COVERAGE, width=5,
    csv_note=(f"Download CSV: every project; with more than {MAX_COVERAGE_ROWS} the chart draws the "
              f"{MAX_COVERAGE_ROWS} with the most measured lines."),
))
register(Chart(
    name="coverage-trend-by-project", title="Coverage over time per project", page="quality",
    reads=PROJECT_PANEL_READS,
    needs=("coverage_reports",),
    metric=quality.coverage_trend_by_project,
    figure=line_over_time(x="month", y="line_coverage", series="project", y_title="Line coverage",
                          percent=True, empty=NO_COVERAGE),
    order=30,
    description=("Weighted line coverage per project at each month's end; a repository not measured in a "
                 "month keeps its last figure."),
    empty_message=NO_COVERAGE, width=12,
))
register(Chart(
    name="coverage-uncovered-files", title="Files with the most uncovered lines", page="quality",
    reads=PROJECT_PANEL_READS,
    needs=("coverage_reports",),
    metric=quality.uncovered_files, figure=uncovered_files_figure, order=40,
    description=(f"The {quality.UNCOVERED_TOP_N} files with the most uncovered lines in the repositories' "
                 "latest reports: where new tests would cover the most code."),
    empty_message="No uncovered lines in the latest reports for these filters.", width=7,
))
register(Chart(
    name="test-line-share", title="Changed lines in test files", page="quality",
    metric=quality.test_line_share, figure=test_share_figure, order=50,
    description=("Share of the lines added or removed by non-merge commits that are in test files (tests/ "
                 "folders, test_*.py, *_test.go, *.spec.ts, ...); bots excluded unless included."),
    empty_message="No commits with file changes for these filters.", width=5,
))

_KPIS = [
    ("line-coverage", "Line coverage", "line_coverage", ".1%",
     "Covered / valid lines over every repository's latest coverage report (weighted by lines)."),
    ("branch-coverage", "Branch coverage", "branch_coverage", ".1%",
     "Covered / valid branches over the latest reports of repositories whose tool measures branches."),
    ("repos-measured", "Repositories with coverage", "repos_measured", ",d",
     "Repositories with at least one coverage report on or before the window's end."),
]
for order, (name, label, column, fmt, description) in enumerate(_KPIS):
    register_kpi(Kpi(name=f"quality-{name}", page="quality", label=label, metric=quality.coverage_summary,
                     column=column, format=fmt, order=order * 10, description=description,
                     needs=("coverage_reports",), reads=reads_except("org", "kind", "bots", style=False)))
