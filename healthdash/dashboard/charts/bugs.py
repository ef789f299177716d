"""Bug charts (issue 5): backlog, inflow/outflow, age by importance, triage, fixes by organisation.

Registers the Quality page's bug panels and the Participation page's "bugs
fixed by organisation", tying :mod:`healthdash.metrics.bugs` to pure figure
builders.  Frames are aggregates from the privacy-safe bug view (no titles,
numbers or links; see :mod:`healthdash.privacy`).  No Dash import.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from healthdash.dashboard.charts import PROJECT_PANEL_READS, Chart, register
from healthdash.dashboard.figures import (COLORS, MAX_BARS, PALETTE, apply_house_style, bar_top, empty_figure,
                                          is_present, line_over_time, month_ticks)
from healthdash.metrics import bugs

_IMPORTANCE_COLORS = {"Critical": "#8E0000", "High": COLORS["bad"], "Medium": COLORS["warn"],
                      "Low": PALETTE[0], "Wishlist": PALETTE[4], "Undecided": COLORS["neutral"]}


def flow_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Opened (up) and closed (down) bars per month with the net change as a line."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No bugs reported or closed for these filters.", present=present)
    df = df.sort("month")
    months = df["month"].to_list()
    fig = go.Figure()
    fig.add_trace(go.Bar(x=months, y=df["opened"].to_list(), name="Reported", marker={"color": PALETTE[1]},
                         hovertemplate="%{x|%b %Y}<br>reported: %{y:,}<extra></extra>"))
    fig.add_trace(go.Bar(x=months, y=[-v for v in df["closed"].to_list()], name="Closed",
                         marker={"color": PALETTE[0]}, customdata=df["closed"].to_list(),
                         hovertemplate="%{x|%b %Y}<br>closed: %{customdata:,}<extra></extra>"))
    fig.add_trace(go.Scatter(x=months, y=df["net"].to_list(), name="Net change", mode="lines+markers",
                             line={"color": COLORS["text"], "width": 2},
                             hovertemplate="%{x|%b %Y}<br>net: %{y:+,}<extra></extra>"))
    fig.update_layout(barmode="relative", hovermode="x unified", yaxis_title="Bugs per month")
    month_ticks(fig, months, present=present)
    return apply_house_style(fig, present=present)


def age_by_importance_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Open bugs per importance (bars, labelled with the median age)."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No open bugs at the end of this window.", present=present)
    names = [str(n) for n in df["importance"].to_list()]
    fig = go.Figure(go.Bar(
        x=names, y=df["open_bugs"].to_list(),
        marker={"color": [_IMPORTANCE_COLORS.get(n, COLORS["neutral"]) for n in names]},
        text=[f"median {m:,.0f} d" for m in df["median_age_days"].to_list()], textposition="outside",
        cliponaxis=False, customdata=list(zip(df["median_age_days"].to_list(), df["oldest_age_days"].to_list())),
        hovertemplate=("%{x}: %{y:,} open<br>median age %{customdata[0]:,.0f} days"
                       "<br>oldest %{customdata[1]:,.0f} days<extra></extra>")))
    fig.update_layout(showlegend=False, yaxis_title="Open bugs", bargap=0.35)
    fig.update_yaxes(rangemode="tozero", range=[0, max(df["open_bugs"].to_list()) * 1.2])
    return apply_house_style(fig, present=present)


def triage_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Median days from report to triage per month of report; untriaged share in the hover."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No bugs reported for these filters.", present=present)
    df = df.sort("month")
    fig = go.Figure(go.Scatter(
        x=df["month"].to_list(), y=df["median_days_to_triage"].to_list(), name="Median days to triage",
        mode="lines+markers", line={"color": PALETTE[2], "width": 2.5}, connectgaps=False,
        customdata=list(zip(df["triaged"].to_list(), df["reported"].to_list())),
        hovertemplate=("%{x|%b %Y}<br>median %{y:,.1f} days to triage"
                       "<br>%{customdata[0]:,} of %{customdata[1]:,} triaged<extra></extra>")))
    fig.update_layout(showlegend=False, yaxis_title="Days from report to triage", hovermode="x unified")
    fig.update_yaxes(rangemode="tozero")
    month_ticks(fig, df["month"].to_list(), present=present)
    return apply_house_style(fig, present=present)


register(Chart(
    name="bugs-backlog", title="Bug backlog", page="quality", section="bugs", metric=bugs.backlog,
    reads=PROJECT_PANEL_READS,
    needs=("bugs",),
    figure=line_over_time(x="month_end", y="open_bugs", y_title="Open bugs",
                          empty="No bugs for these filters."),
    order=100, width=6,
    description=("Open bug tasks at each month end (reported before it, not yet fixed, invalid, won't fix or "
                 "expired); duplicates left out."),
    empty_message="No bugs for these filters.",
))
register(Chart(
    name="bugs-flow", title="Bugs reported and closed per month", page="quality", section="bugs", metric=bugs.flow,
    reads=PROJECT_PANEL_READS,
    needs=("bugs",),
    figure=flow_figure, order=105, width=6,
    description="Monthly inflow (tasks reported) and outflow (tasks closed for any reason) and the net change.",
    empty_message="No bugs reported or closed for these filters.",
))
register(Chart(
    name="bugs-open-age", title="Open bugs by importance", page="quality", section="bugs", metric=bugs.open_age_by_importance,
    reads=PROJECT_PANEL_READS,
    needs=("bugs",),
    figure=age_by_importance_figure, order=110, width=6,
    description="Open bug tasks at the end of the window by importance, with their median and oldest age in days.",
    empty_message="No open bugs at the end of this window.",
))
register(Chart(
    name="bugs-time-to-triage", title="Time to triage", page="quality", section="bugs", metric=bugs.time_to_triage,
    reads=PROJECT_PANEL_READS,
    needs=("bugs",),
    figure=triage_figure, order=115, width=6,
    description=("Median days from report to the first triage decision (the task left New), by month of report; "
                 "how many of that month's reports have been triaged."),
    empty_message="No bugs reported for these filters.",
))
register(Chart(
    name="bugs-fixed-by-org", title="Bugs fixed by organisation", page="participation", metric=bugs.fixed_by_org,
    needs=("bugs",),
    figure=bar_top(label="org", value="bugs_fixed", share="share", x_title="Bugs fixed",
                   empty="No fixed bugs for these filters."),
    order=60, width=6,
    description="Bugs fixed, by the organisation of the assignee at the fix date.",
    empty_message="No fixed bugs for these filters.",
    csv_note=f"Download CSV: every organisation; the chart draws the {MAX_BARS} biggest.",
))
