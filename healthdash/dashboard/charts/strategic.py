"""Strategic contributions charts (issue 13): the ranked view and its trend per release cycle.

Registers the Strategic page's charts, tying :mod:`healthdash.metrics.strategic`
to two pure figure builders; the page, its CSV downloads, ``/embed/<name>`` and
``healthdash export`` read the same entries.  No Dash import.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from healthdash.dashboard.charts import Chart, register
from healthdash.dashboard.figures import COLORS, apply_house_style, color_map, empty_figure, is_present
from healthdash.metrics import strategic

COMMUNITY = "Community"
#: Cell colour: the organisation's share relative to the community's, from half (red) to double (green).
_SCALE = [[0.0, COLORS["bad"]], [0.5, "#F4F5F7"], [1.0, COLORS["good"]]]


def _percent(value: float | None) -> str:
    if value is None:
        return "no data"
    return f"{value:.0%}" if value >= 0.095 or value == 0 else f"{value:.1%}"


#: Fewer contributions than this, counted or expected at the community's rate: too few to compare.
MIN_COMPARABLE = 3


def _relative(share: float | None, community: float | None, total: int | None = None) -> float | None:
    """-1 (half the community's share or less) .. 0 (equal) .. +1 (double or more); None (no colour)
    without data or when both the count and the count expected at the community's rate are tiny."""
    if share is None or not community:
        return None
    if total is not None and max(share, community) * total < MIN_COMPARABLE:
        return None
    ratio = share / community
    return max(-1.0, min(1.0, ratio - 1.0 if ratio >= 1 else 2 * (ratio - 1.0)))


def ranked_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Organisations (rows, most strategic first, the community on top) x categories (columns):
    each cell the organisation's share, coloured by how it compares with the community's."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No contributions for these filters.", present=present)
    categories = (df.select("category", "category_label", "category_order").unique()
                  .sort("category_order"))
    labels = categories["category_label"].to_list()
    order = (df.filter(pl.col("category") == "strategic")
             .sort(["is_community", "share", "org"], descending=[True, True, False], nulls_last=True))
    orgs = order["org"].to_list()
    volume = dict(zip(order["org"].to_list(), order["unit_contributions"].to_list()))
    cells = {(r["org"], r["category"]): r for r in df.iter_rows(named=True)}
    z, text, hover = [], [], []
    for org in orgs:
        z_row, text_row, hover_row = [], [], []
        for key, label in zip(categories["category"].to_list(), labels):
            cell = cells.get((org, key))
            share = cell["share"] if cell else None
            community = cell["community_share"] if cell else None
            z_row.append(None if org == COMMUNITY or cell is None
                         else _relative(share, community, cell["total"]))
            text_row.append(_percent(share))
            unit = "lines" if key == "tests" else "contributions"
            if cell is None or share is None:
                hover_row.append(f"<b>{org}</b> · {label}<br>{(cell or {}).get('note') or 'no data'}")
            else:
                hover_row.append(f"<b>{org}</b> · {label}: {_percent(share)}<br>"
                                 f"{cell['contributions']:,} of {cell['total']:,} {unit}<br>"
                                 f"community {_percent(community)}")
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    y = [f"<b>{o}</b>" if o == COMMUNITY else f"{o} ({volume[o]:,})" for o in orgs]
    # one figure from plain dicts (_validate=False): built from typed frames, nothing to check
    fig = go.Figure(_validate=False, data=[{
        "type": "heatmap", "z": z, "x": labels, "y": y, "text": text, "texttemplate": "%{text}",
        "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>", "colorscale": _SCALE,
        "zmin": -1, "zmax": 1, "xgap": 3, "ygap": 3,
        "colorbar": {"title": {"text": "vs community", "side": "right"}, "tickvals": [-1, 0, 1],
                     "ticktext": ["½× or less", "same", "2× or more"], "thickness": 12, "len": 0.6},
        "textfont": {"size": 20 if present else 12}}],
        layout={"height": None if present else max(220, 80 + 28 * len(orgs)),
                "yaxis": {"autorange": "reversed"}, "xaxis": {"side": "top"}})
    return apply_house_style(fig, present=present)


def _by_org(df: pl.DataFrame, orgs: list[str]):
    """(org, its rows by cycle start) in the order of ``orgs``, skipping those without rows."""
    parts = {key[0]: part for key, part in df.sort("cycle_start").group_by("org", maintain_order=True)}
    return [(org, parts[org]) for org in orgs if org in parts]


def trend_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Share of strategic work per release cycle: one line per organisation, the community dashed."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No contributions in any release cycle for these filters.", present=present)
    cycles = (df.select("cycle", "cycle_start", "cycle_end", "in_progress").unique(subset=["cycle"])
              .sort("cycle_start"))
    ticks = {row["cycle"]: row["cycle"] + (" (in progress)" if row["in_progress"] else "")
             for row in cycles.iter_rows(named=True)}
    x_order = [ticks[c] for c in cycles["cycle"].to_list()]
    totals = (df.filter(~pl.col("is_community")).group_by("org").agg(pl.col("unit_contributions").sum())
              .sort(["unit_contributions", "org"], descending=[True, False]))
    orgs = totals["org"].to_list()
    colors = color_map(orgs)
    traces = []
    for org, part in _by_org(df, [COMMUNITY, *orgs]):
        community = org == COMMUNITY
        traces.append({
            "type": "scatter", "x": [ticks[c] for c in part["cycle"].to_list()], "y": part["share"].to_list(),
            "name": org, "mode": "lines+markers",
            "line": {"color": COLORS["text"] if community else colors[org], "width": 3 if community else 2,
                     "dash": "dash" if community else "solid"},
            "customdata": [list(pair) for pair in zip(part["contributions"].to_list(), part["total"].to_list())],
            "hovertemplate": (f"<b>{org}</b> %{{x}}<br>%{{y:.0%}} strategic"
                              "<br>%{customdata[0]:,} of %{customdata[1]:,} contributions<extra></extra>")})
    # one figure from plain dicts (_validate=False): built from typed frames, nothing to check
    fig = go.Figure(_validate=False, data=traces, layout={
        "hovermode": "closest",
        "yaxis": {"title": {"text": "Share of contributions"}, "tickformat": ".0%", "rangemode": "tozero"},
        "xaxis": {"categoryorder": "array", "categoryarray": x_order, "type": "category"}})
    return apply_house_style(fig, present=present)


_CATEGORY_LIST = ", ".join(label.lower() for _, label, _ in strategic.CATEGORIES[1:])

register(Chart(
    name="strategic-contributions", title="Strategic contributions by organisation", page="strategic",
    metric=strategic.by_org, figure=ranked_figure, order=10, width=12,
    description=(f"For the {strategic.RANKED_TOP_N} organisations with most contributions in the filters "
                 "(their count in brackets), the share of their contributions that serve the community's "
                 "long-term health, most strategic first; colour compares each share with the community's "
                 f"(top row); a cell with fewer than {MIN_COMPARABLE} contributions, counted or expected at the "
                 "community's rate, stays uncoloured. Categories: " + _CATEGORY_LIST
                 + " (each defined on the Strategic page)."),
    empty_message="No contributions for these filters.",
))
register(Chart(
    name="strategic-trend", title="Strategic work per release cycle", page="strategic",
    metric=strategic.by_cycle, figure=trend_figure, order=20, width=12,
    description=(f"Share of each organisation's contributions that is strategic work (any category), per "
                 f"release cycle, for the {strategic.TREND_TOP_N} organisations with most contributions; "
                 "the dashed line is the community. A cycle still running is marked in progress."),
    empty_message="No contributions in any release cycle for these filters.",
))
