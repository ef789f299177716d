"""Review charts (issue 4): reviews by organisation, review latency, CI health, review coverage.

Registers entries tying :mod:`healthdash.metrics.reviews` to pure figure
builders on three pages: Participation (who reviews), Quality (latency, patch
sets, open-change age, CI health) and Security (review coverage).  The page,
its CSV download, ``/embed/<name>`` and ``healthdash export`` read the same
entries.  No Dash import here.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from healthdash.dashboard.charts import Chart, Kpi, register, register_kpi
from healthdash.dashboard.figures import (COLORS, MAX_BARS, PALETTE, apply_house_style, bar_top, empty_figure,
                                          is_present, line_over_time, month_ticks)
from healthdash.metrics import reviews

#: Appended to the descriptions of change-based charts: what the organisation filter means for them.
OWNER_ORG = " Organisation filter: the owner's organisation when the change was created."

_LATENCY_COLORS = {"first review": PALETTE[0], "merge": PALETTE[1]}


def latency_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Median (solid) and p90 (dotted) hours per month, one colour per measure."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No reviewed or merged changes for these filters.", present=present)
    fig = go.Figure()
    for measure in ("first review", "merge"):
        part = df.filter(pl.col("measure") == measure).sort("month")
        if part.is_empty():
            continue
        color = _LATENCY_COLORS[measure]
        for stat, dash in (("median_hours", "solid"), ("p90_hours", "dot")):
            label = f"{measure}, {'median' if stat == 'median_hours' else 'p90'}"
            fig.add_trace(go.Scatter(
                x=part["month"].to_list(), y=part[stat].to_list(), name=label, mode="lines+markers",
                line={"color": color, "dash": dash, "width": 2.5 if dash == "solid" else 1.5},
                customdata=part["changes"].to_list(),
                hovertemplate=f"%{{x|%b %Y}}<br>{label}: %{{y:,.1f}} h (%{{customdata}} changes)<extra></extra>"))
    fig.update_layout(hovermode="x unified", yaxis_title="Hours")
    fig.update_yaxes(rangemode="tozero")
    month_ticks(fig, df["month"].to_list(), present=present)
    return apply_house_style(fig, present=present)


def ci_health_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Share of patch sets failing CI (left axis) and rechecks per merged change (right axis)."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No CI votes or merged changes for these filters.", present=present)
    df = df.sort("month")
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=df["month"].to_list(), y=df["failure_share"].to_list(), name="Patch sets failing CI",
        mode="lines+markers", line={"color": PALETTE[3], "width": 2.5},
        customdata=list(zip(df["patch_sets_failed"].to_list(), df["patch_sets_tested"].to_list())),
        hovertemplate="%{x|%b %Y}<br>failing CI: %{y:.0%} (%{customdata[0]} of %{customdata[1]})<extra></extra>"))
    fig.add_trace(go.Bar(
        x=df["month"].to_list(), y=df["rechecks_per_merged"].to_list(), name="Rechecks per merged change",
        yaxis="y2", marker={"color": COLORS["muted"]}, opacity=0.45,
        hovertemplate="%{x|%b %Y}<br>rechecks per merged change: %{y:.2f}<extra></extra>"))
    fig.update_layout(hovermode="x unified", yaxis={"title": "Failing share", "tickformat": ".0%",
                                                    "rangemode": "tozero"},
                      yaxis2={"title": "Rechecks per merged change", "overlaying": "y", "side": "right",
                              "rangemode": "tozero", "showgrid": False, "tickmode": "sync", "tickformat": ".2f"})
    month_ticks(fig, df["month"].to_list(), present=present)
    return apply_house_style(fig, present=present)


def activity_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Reviews and core approvals per month (left axis) and reviews per active core (right axis)."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No reviews for these filters.", present=present)
    df = df.sort("month")
    months = df["month"].to_list()
    fig = go.Figure()
    for column, label, color in (("reviews", "Reviews", PALETTE[0]), ("core_approvals", "Core approvals", PALETTE[2])):
        fig.add_trace(go.Scatter(x=months, y=df[column].to_list(), name=label, mode="lines+markers",
                                 line={"color": color, "width": 2.5},
                                 hovertemplate=f"%{{x|%b %Y}}<br>{label}: %{{y:,}}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=months, y=df["reviews_per_core"].to_list(), name="Reviews per active core", yaxis="y2",
        mode="lines", line={"color": COLORS["muted"], "dash": "dot", "width": 1.5},
        customdata=df["active_cores"].to_list(),
        hovertemplate="%{x|%b %Y}<br>reviews per active core: %{y:.1f} (%{customdata} cores)<extra></extra>"))
    fig.update_layout(hovermode="x unified", yaxis={"title": "Per month", "rangemode": "tozero"},
                      yaxis2={"title": "Reviews per active core", "overlaying": "y", "side": "right",
                              "rangemode": "tozero", "showgrid": False, "tickmode": "sync", "tickformat": ".1f"})
    month_ticks(fig, months, present=present)
    return apply_house_style(fig, present=present)


def open_age_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Open changes per age bucket, youngest first, with the median age in the title."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No open changes at the end of this window.", present=present)
    median = df["median_age_days"][0]
    fig = go.Figure(go.Bar(
        x=df["bucket"].to_list(), y=df["changes"].to_list(), marker={"color": PALETTE[0]},
        text=[f"{n:,}" for n in df["changes"].to_list()], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{y:,} open changes<extra></extra>"))
    fig.update_layout(showlegend=False, yaxis_title="Open changes", bargap=0.3,
                      title={"text": f"Median age {median:,.1f} days", "x": 0, "font": {"size": 14}})
    return apply_house_style(fig, present=present)


register(Chart(
    name="reviews-by-org", title="Reviews by organisation", page="participation",
    needs=("changes",),
    metric=reviews.reviews_by_org,
    figure=bar_top(label="org", value="reviews", share="share", x_title="Reviews",
                   empty="No reviews for these filters."),
    order=40, width=6, section="reviews",
    description=("Code-Review votes (Gerrit) and submitted reviews (GitHub) on other people's changes, by the "
                 "reviewer's organisation at the vote date; self-votes and CI are not reviews."),
    empty_message="No reviews for these filters.",
    csv_note=f"Download CSV: every organisation; the chart draws the {MAX_BARS} biggest.",
))

register(Chart(
    name="review-activity", title="Reviews and core approvals per month", page="participation",
    needs=("changes",),
    metric=reviews.review_activity,
    figure=activity_figure, order=45, width=6, section="reviews",
    description=("Per month: reviews of others' changes, core approvals (+2 / APPROVED), distinct reviewers, "
                 "active core reviewers (gave a core approval) and reviewer load = reviews per active core."),
    empty_message="No reviews for these filters.",
))

register(Chart(
    name="top-reviewers", title="Reviewers", page="participation",
    needs=("changes",),
    metric=reviews.top_reviewers, figure=None, order=55, width=6, section="people",
    description=("The 50 busiest reviewers: reviews of others' changes, of which core approvals, and their "
                 "votes on their own changes (self-votes, counted nowhere else)."),
    empty_message="No reviews for these filters.",
))

register(Chart(
    name="review-latency", title="Review latency", page="quality", section="reviews",
    needs=("changes",),
    metric=reviews.review_latency, figure=latency_figure, order=60, width=8,
    description=("Hours from a change's creation to its first review (first vote or comment by a person other "
                 "than the owner, not CI or a bot), by month of creation, and to its merge, by month of merge: "
                 "median (solid) and 90th percentile (dotted).") + OWNER_ORG,
    empty_message="No reviewed or merged changes for these filters.",
))

register(Chart(
    name="open-change-age", title="Age of open changes", page="quality", section="reviews",
    needs=("changes",),
    metric=reviews.open_change_age, figure=open_age_figure, order=65, width=4,
    description=("Changes open at the end of the window (else today): created by then and not merged or "
                 "abandoned by then, by age.") + OWNER_ORG,
    empty_message="No open changes at the end of this window.",
))

register(Chart(
    name="ci-health", title="CI health", page="quality", section="reviews",
    needs=("changes",),
    metric=reviews.ci_health, figure=ci_health_figure, order=70, width=8,
    description=("Share of patch sets CI voted Verified −1 (or −2) at least once, by month of CI's first vote, "
                 "and human 'recheck' comments per change merged that month.") + OWNER_ORG,
    empty_message="No CI votes or merged changes for these filters.",
))

register(Chart(
    name="patch-sets", title="Patch sets per merged change", page="quality", section="reviews",
    needs=("changes",),
    metric=reviews.patch_sets,
    figure=line_over_time(x="month", y="mean_patch_sets", y_title="Mean patch sets",
                          empty="No merged Gerrit changes for these filters."),
    order=75, width=4,
    description="Mean patch sets (revisions) of the Gerrit changes merged each month." + OWNER_ORG,
    empty_message="No merged Gerrit changes for these filters.",
))

register(Chart(
    name="review-coverage", title="Review coverage", page="security", section="reviews",
    needs=("changes",),
    metric=reviews.review_coverage,
    figure=line_over_time(x="month", y="coverage", y_title="Reviewed commits", percent=True,
                          empty="No commits for these filters."),
    order=60, width=6,
    description=("Share of non-merge commits on the default branch, by month, that landed through a change "
                 "approved (+2 / APPROVED) by someone other than the commit's author and the change's owner; "
                 "commits link to changes by Change-Id (Gerrit) or merge / head sha (GitHub). Organisation filter: "
                 "the commit author's organisation at the commit date."),
    empty_message="No commits for these filters.",
))


# --------------------------------------------------------------------------- KPIs (overview cards)

register_kpi(Kpi(
    name="quality-first-review-hours", page="quality", label="Median hours to first review",
    needs=("changes",),
    metric=reviews.time_to_first_review_overall, column="median_hours", format=",.1f", order=30,
    description=("Median hours from a change's creation to its first vote or comment by a person other than "
                 "its owner (not CI or a bot), over the changes created in the window; by organisation, the owner's "
                 "when the change was created."),
))
register_kpi(Kpi(
    name="security-review-coverage", page="security", label="Reviewed commits",
    needs=("changes",),
    metric=reviews.review_coverage_overall, column="coverage", format=".0%", order=50,
    description=("Share of the window's non-merge commits that landed through a change approved by someone "
                 "other than the commit's author and the change's owner."),
))
