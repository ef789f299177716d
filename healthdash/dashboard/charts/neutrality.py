"""Company-neutral participation charts: shares, concentration, governance (issue 3).

Registers the neutrality metrics (:mod:`healthdash.metrics.neutrality`) for the
Participation page, the organisation drill-down (page "organisation"; the
organisation comes from the ``org`` filter) and the Data page (affiliation
conflicts).  Figure builders are pure ``(df, filters) -> go.Figure``; the same
entries drive CSV downloads, embeds and exports.  No Dash import here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import plotly.graph_objects as go
import polars as pl

from healthdash.dashboard.charts import Chart, register
from healthdash.dashboard.figures import (COLORS, PALETTE, apply_house_style, area_over_time, color_map,
                                          empty_figure, is_present, month_axis, month_ticks)
from healthdash.labels import KIND_LABELS, VERDICT_LABELS
from healthdash.metrics import neutrality
from healthdash.metrics.filters import Filters

VERDICT_COLORS = {"diverse affiliation": "#2E7D32", "neither": "#F9A825", "single vendor": "#C62828",
                  "no data": "#BDBDBD"}


def share_over_time(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Stacked 100% area of each organisation's share of the month's contributions."""
    return area_over_time(x="month", y="contributions", series="org", y_title="Share of contributions",
                          empty="No contributions for these filters.", percent=True)(df, filters)


def concentration_trend(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Elephant factor and effective number of organisations (1/HHI) per month; HHI on the right."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No contributions for these filters.", present=present)
    months = df["month"].to_list()
    fig = go.Figure([
        go.Scatter(x=months, y=df["elephant_factor"].to_list(), name="Elephant factor", mode="lines+markers",
                   line={"color": PALETTE[0], "width": 2.5, "shape": "hv"},
                   hovertemplate="%{x|%b %Y}<br>elephant factor %{y}<extra></extra>"),
        go.Scatter(x=months, y=df["effective_orgs"].to_list(), name="Effective organisations (1/HHI)",
                   mode="lines", line={"color": PALETTE[1], "width": 2},
                   hovertemplate="%{x|%b %Y}<br>effective organisations %{y:.1f}<extra></extra>"),
        go.Scatter(x=months, y=df["hhi"].to_list(), name="HHI (right)", yaxis="y2", mode="lines",
                   line={"color": COLORS["muted"], "width": 1.5, "dash": "dot"},
                   hovertemplate="%{x|%b %Y}<br>HHI %{y:.2f}<extra></extra>"),
    ])
    fig.update_layout(hovermode="x unified", yaxis={"title": "Organisations", "rangemode": "tozero"},
                      yaxis2={"title": "HHI", "overlaying": "y", "side": "right", "range": [0, 1],
                              "dtick": 0.2, "tickformat": ".1f", "showgrid": False})
    month_ticks(fig, months, present=present)
    apply_house_style(fig, present=present)
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.18, "xanchor": "left", "x": 0})
    return fig


def new_contributors(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Bars of new contributors per month, with the share still active six months later."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No contributors for these filters.", present=present)
    months = df["month"].to_list()
    fig = go.Figure([
        go.Bar(x=months, y=df["new_contributors"].to_list(), name="New contributors",
               marker={"color": PALETTE[0]}, hovertemplate="%{x|%b %Y}<br>%{y} new<extra></extra>"),
        go.Scatter(x=months, y=df["retention"].to_list(), name="Still active 6 months later", yaxis="y2",
                   mode="lines+markers", line={"color": PALETTE[2], "width": 2.5}, connectgaps=False,
                   hovertemplate="%{x|%b %Y}<br>%{y:.0%} retained<extra></extra>"),
    ])
    fig.update_layout(hovermode="x unified", yaxis_title="New contributors",
                      yaxis2={"title": "Retained", "overlaying": "y", "side": "right", "range": [0, 1],
                              "dtick": 0.2, "tickformat": ".0%", "showgrid": False})
    month_ticks(fig, months, present=present)
    apply_house_style(fig, present=present)
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.18, "xanchor": "left", "x": 0})
    return fig


def with_drilldown_links(metric):
    """``metric`` (organisation totals) with ``org_page`` and ``top_person_page``: the in-app pages
    of each organisation and of its most active person, under the same filters (the person's id
    lives on in the path).  The grid shows the names as links to them (a ``<name>_page`` column),
    and the CSV keeps the paths."""
    from urllib.parse import quote

    def table(con, filters):
        frame = metric(con, filters)
        keep = filters if isinstance(filters, Filters) else Filters()
        query = replace(keep, org=(), extra={}).to_query()
        org_pages = [f"/participation/organisation?{replace(keep, org=(o,), extra={}).to_query()}"
                     for o in frame["org"].to_list()]
        person_pages = [None if pid is None else
                        f"/participation/person/{quote(pid, safe='@:.')}" + (f"?{query}" if query else "")
                        for pid in frame["top_person_id"].to_list()]
        return frame.with_columns(pl.Series("org_page", org_pages, dtype=pl.String),
                                  pl.Series("top_person_page", person_pages, dtype=pl.String)).drop("top_person_id")

    table.__name__ = table.__qualname__ = f"{metric.__name__}_with_links"
    table.__doc__ = metric.__doc__
    return table


def rounded(metric, digits: int = 3):
    """``metric`` with its float columns rounded for tables (CSV = the rounded table shown)."""

    def table(con, filters):
        frame = metric(con, filters)
        return frame.with_columns(pl.col(pl.Float64).round(digits))

    table.__name__ = table.__qualname__ = f"{metric.__name__}_rounded"
    table.__doc__ = metric.__doc__
    return table


def governance_history(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """One row of coloured squares per team: the verdict at each month end (flapping is visible)."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("Not enough commits or reviews for a verdict.", present=present)
    traces = []
    for verdict, color in VERDICT_COLORS.items():
        part = df.filter(pl.col("verdict") == verdict)
        if part.is_empty():
            continue
        traces.append({
            "type": "scatter", "x": part["as_of"].dt.to_string("%Y-%m-%d").to_list(), "y": part["team"].to_list(),
            "name": VERDICT_LABELS.get(verdict, verdict), "mode": "markers",
            "marker": {"symbol": "square", "size": 22 if present else 16, "color": color},
            "customdata": part["margin_text"].fill_null("").to_list(),
            "hovertemplate": "%{y} at %{x|%d %b %Y}: " + VERDICT_LABELS.get(verdict, verdict)
                             + "<br>%{customdata}<extra></extra>"})
    teams = sorted(df["team"].unique().to_list())
    # one figure from plain dicts (_validate=False; days as ISO text, as plotly writes them): 2,000+
    # points from a typed frame, nothing to check
    fig = go.Figure(_validate=False, data=traces, layout={
        "height": max(260, 90 + 40 * len(teams)) if not present else None,
        "yaxis": {"categoryorder": "array", "categoryarray": teams[::-1], "title": {"text": ""}},
        "xaxis": month_axis(df["as_of"].to_list(), present=present)})
    return apply_house_style(fig, present=present)


def org_by_team(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """One organisation's contributions per team, stacked by kind."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("This organisation has no contributions for these filters.", present=present)
    kinds = sorted(df["kind"].unique().to_list())
    colors = color_map(kinds)
    teams = (df.group_by("team").agg(pl.col("contributions").sum()).sort("contributions", descending=True)
             ["team"].to_list())
    fig = go.Figure()
    for kind in kinds:
        part = df.filter(pl.col("kind") == kind)
        fig.add_trace(go.Bar(x=part["team"].to_list(), y=part["contributions"].to_list(),
                             name=KIND_LABELS.get(kind, kind),
                             marker={"color": colors[kind]}, customdata=part["share_of_team"].to_list(),
                             hovertemplate="%{x} · " + KIND_LABELS.get(kind, kind) + ": %{y:,} (%{customdata:.0%} of the team)<extra></extra>"))
    fig.update_layout(barmode="stack", yaxis_title="Contributions",
                      xaxis={"categoryorder": "array", "categoryarray": teams})
    return apply_house_style(fig, present=present)


_CHARTS = [
    Chart("org-share-over-time", "Share of contributions by organisation", "participation",
          neutrality.org_shares_monthly, share_over_time, order=30, width=7,
          description=(f"Each month's contributions (the kinds selected) split by the author's organisation at "
                       f"that date; the {neutrality.SHARES_TOP_N} biggest are named, the rest are Others, and "
                       "independents are one group. Bots excluded unless included.")),
    Chart("concentration-trend", "Concentration over time", "participation",
          neutrality.concentration_trend, concentration_trend, order=35, width=5,
          description=("Elephant factor (fewest organisations with >= 50% of the month's contributions) and "
                       "the effective number of organisations (1/HHI, HHI = sum of squared shares); each "
                       "independent or Unknown person counts as their own organisation, an unmapped email "
                       "domain as one.")),
    Chart("organisations-drilldown", "Organisations and people: drill down", "participation",
          with_drilldown_links(neutrality.org_totals), None, order=50, width=6,
          description=("Every organisation's contributions, share and people under the filters; click one "
                       "for its page (contributions by team and kind, its people), or its most active person "
                       "for how they were merged and attributed.")),
    Chart("neutrality-by-team", "Neutrality by team", "participation", rounded(neutrality.team_table), None, order=70,
          description=("Per team over the filters: people, organisations (independents one per person), "
                       "elephant factor, top-1 and top-2 share, HHI, effective organisations, pony factor "
                       "(fewest people with >= 50%) and the independents' share."), section="governance"),
    Chart("governance-view", "Governance: affiliation diversity", "participation", neutrality.governance_summary,
          None, order=75,
          description=("The community's historic criteria per team over the rolling window ending at the "
                       "filter's end (else the last data): top-1 / top-2 organisation shares of commits, "
                       "reviews, reviews by active core reviewers and active core reviewers, the verdict, and "
                       "the margin — how many contributions would flip it. Thresholds from [governance]; "
                       "each cell reads 'top organisation share · top-2 share of the total'. An unmapped "
                       "email domain ('x.example (unmapped)') counts as one organisation; each Independent "
                       "or Unknown person as an organisation of their own."), section="governance"),
    Chart("governance-history", "Governance verdict by month", "participation", neutrality.governance_history,
          governance_history, order=80,
          description=("The verdict at every month end over the rolling window, so a team flipping between "
                       "states on a handful of contributions is visible; hover for the margin."), section="governance"),
    Chart("concentration-by-kind", "Concentration by contribution kind", "participation",
          rounded(neutrality.concentration), None, order=85, width=6,
          description="Elephant factor, top-1/top-2 share, HHI, effective organisations and independents' share "
                      "per kind and over all selected kinds.",
          section="governance"),
    Chart("pony-factor", "Pony factor", "participation", rounded(neutrality.pony_factor), None, order=86, width=6,
          description="The fewest people whose contributions reach 50%, per kind and over all selected kinds.",
          section="governance"),
    Chart("org-shares-by-kind", "Organisations per contribution kind", "participation", rounded(neutrality.org_shares),
          None, order=90, width=6,
          description="Per kind: each organisation's contributions, people and share; independents as one group.",
          section="governance"),
    Chart("team-dependence", "Organisations each team depends on, per release cycle", "participation",
          rounded(neutrality.team_dependence), None, order=95, width=6,
          description=(f"The {neutrality.DEPENDENCE_TOP_N} organisations with the largest share of each team's "
                       "contributions in each release cycle, with the change from the previous cycle."), section="governance"),
    Chart("new-contributors", "New contributors and six-month retention", "participation",
          neutrality.new_contributors, new_contributors, order=65, width=6,
          description=("People whose first contribution in scope falls in the month, and the share of them "
                       "with a contribution six to eight months later (blank until that is known). The "
                       "first month of data counts everyone already active as new."), section="people"),
    Chart("affiliation-changes", "Affiliation changes", "participation", neutrality.affiliation_changes, None,
          order=110, width=12,
          description="People whose organisation changed, the day of the first contribution under the new one, "
                      "and the rule and file line that gave it.", section="people"),
    Chart("organisation-by-team", "Contributions by team and kind", "organisation", neutrality.org_detail,
          org_by_team, order=10, width=7,
          description="The organisation's contributions per team, stacked by kind; hover for its share of the team."),
    Chart("organisation-table", "By team and kind", "organisation", rounded(neutrality.org_detail), None, order=20, width=5,
          description="Contributions, people and the share of each team's contributions of that kind."),
    Chart("affiliation-conflicts", "Affiliation conflicts", "data", neutrality.affiliation_conflicts, None,
          order=50, empty_message="No two affiliation sources disagree.",
          description=("People for whom two affiliation sources name different organisations on the same days: "
                       "the organisation chosen by precedence (overrides, then files in configured order) and "
                       "what the other source said.")),
]

for _chart in _CHARTS:
    register(_chart)
