"""Security charts (issue 5): security bugs, time to fix, advisories, reporters, hygiene.

Registers the Security page's charts and KPIs, tying :mod:`healthdash.metrics.security`
to pure figure builders; the page, its CSV downloads, ``/embed/<name>`` and
``healthdash export`` read the same entries.  Every frame comes from the
privacy-safe views (see :mod:`healthdash.privacy`): aggregates never name a
bug, and the one list with titles and links holds public bugs only.  No Dash import.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from healthdash.dashboard.charts import PROJECT_PANEL_READS, Chart, Kpi, reads_except, register, register_kpi
from healthdash.dashboard.charts.commonality import MAX_MAP_ROWS
from healthdash.dashboard.figures import (COLORS, MAX_BARS, MAX_LINES, OTHERS, PALETTE, Points, apply_house_style,
                                          bar_top, color_map, empty_figure, is_present)
from healthdash.metrics import security


def open_by_project_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Open security bugs per project (bars), median and oldest age in the hover."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No open security bugs for these filters.", present=present)
    total = df.height
    df = df.sort(["open_bugs", "project"], descending=[True, False]).head(MAX_BARS)
    projects = [str(p) for p in df["project"].to_list()]
    fig = go.Figure(go.Bar(
        x=df["open_bugs"].to_list(), y=projects, orientation="h", marker={"color": COLORS["bad"]},
        text=[f"{n:,}" for n in df["open_bugs"].to_list()], textposition="outside", cliponaxis=False,
        customdata=list(zip(df["median_age_days"].to_list(), df["oldest_age_days"].to_list())),
        hovertemplate=("%{y}: %{x:,} open<br>median age %{customdata[0]:,.0f} days"
                       "<br>oldest %{customdata[1]:,.0f} days<extra></extra>")))
    fig.update_layout(showlegend=False, bargap=0.3, xaxis_title="Open security bugs" + (
                          f" (the {len(projects)} projects with the most, of {total:,})" if total > len(projects) else ""),
                      height=max(300, 60 + 32 * len(projects)) if not present else None)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero", range=[0, max(df["open_bugs"].to_list()) * 1.04])
    return apply_house_style(fig, present=present)


def time_to_fix_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Median (solid) and p90 (dotted) days to fix per quarter; fixes per quarter as faint bars."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No security bugs fixed for these filters.", present=present)
    df = df.sort("quarter")
    quarters = df["quarter"].to_list()
    fig = go.Figure()
    fig.add_trace(go.Bar(x=quarters, y=df["fixed_bugs"].to_list(), name="Fixed", yaxis="y2",
                         marker={"color": COLORS["neutral"]}, opacity=0.35,
                         hovertemplate="%{x|%Y Q%q}<br>%{y:,} fixed<extra></extra>"))
    for column, label, dash in (("median_days_to_fix", "Median days to fix", "solid"),
                                ("p90_days_to_fix", "p90 days to fix", "dot")):
        fig.add_trace(go.Scatter(x=quarters, y=df[column].to_list(), name=label, mode="lines+markers",
                                 line={"color": PALETTE[3], "dash": dash, "width": 2.5 if dash == "solid" else 1.5},
                                 hovertemplate=f"%{{x|%Y Q%q}}<br>{label}: %{{y:,.1f}}<extra></extra>"))
    top = max(3, max(df["fixed_bugs"].to_list()) * 1.25)
    fig.update_layout(hovermode="x unified", yaxis={"title": "Days from report to fix", "rangemode": "tozero"},
                      yaxis2={"title": "Bugs fixed", "overlaying": "y", "side": "right", "showgrid": False,
                              "rangemode": "tozero", "tickformat": ",d", "range": [0, top],
                              # whole bugs only: ",d" on plotly's own 0.5 steps wrote 0, 0, 1, 1, 2, 2
                              "tick0": 0, "dtick": max(1, -(-int(top) // 4))})
    fig.update_xaxes(dtick="M3", tickformat="%Y Q%q")
    return apply_house_style(fig, present=present)


def advisories_per_year_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Stacked bars: advisories per year, one colour per project."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No advisories for these filters.", present=present)
    totals = df.group_by("project").agg(pl.col("advisories").sum()).sort(["advisories", "project"],
                                                                          descending=[True, False])
    projects = [str(p) for p in totals["project"].to_list()]
    # the MAX_LINES projects with the most advisories in their own colour, the rest as one grey
    # "Others" band (hundreds of one-project traces and legend entries were unreadable and slow)
    shown, rest = projects[:MAX_LINES], projects[MAX_LINES:]
    df = df.with_columns(pl.col("project").cast(pl.String))
    if rest:
        others = (df.filter(pl.col("project").is_in(rest)).group_by("year").agg(pl.col("advisories").sum())
                  .with_columns(pl.lit(OTHERS).alias("project")).select(df.columns))
        df = pl.concat([df.filter(pl.col("project").is_in(shown)), others])
        shown = shown + [OTHERS]
    colors = color_map(shown)
    label = {project: project for project in shown} | {OTHERS: f"{len(rest):,} other projects"}
    parts = {key[0]: part.sort("year") for key, part in df.group_by("project")}
    traces = [{"type": "bar", "x": parts[project]["year"].to_list(), "y": parts[project]["advisories"].to_list(),
               "name": label[project], "marker": {"color": colors[project]},
               "hovertemplate": f"%{{x}}<br>{label[project]}: %{{y:,}}<extra></extra>"} for project in shown]
    # one figure call, traces as dicts (unchecked: built here from typed frames)
    fig = go.Figure(_validate=False, data=traces, layout={
        "barmode": "stack", "yaxis": {"title": {"text": "Advisories"}}, "hovermode": "x unified",
        "xaxis": {"dtick": 1, "tickformat": "d"}})
    return apply_house_style(fig, present=present)


def advisory_timeline_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """One marker per advisory and project on a time axis; hover names the advisory and its CVEs."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No advisories for these filters.", present=present)
    rows = df.with_columns(pl.col("projects").str.split(", ").alias("project")).explode("project")
    # one row per project: the MAX_BARS projects with the most advisories (the CSV has every one)
    counts = rows.group_by("project").len().sort(["len", "project"], descending=[True, False])
    projects = sorted(str(p) for p in counts["project"].head(MAX_BARS).to_list())
    shown_note = (f"the {len(projects)} of {counts.height:,} projects with the most advisories (CSV: all)"
                  if counts.height > len(projects) else "")
    rows = rows.filter(pl.col("project").is_in(projects))
    colors = color_map(projects)
    parts = {key[0]: part for key, part in rows.group_by("project", maintain_order=True)}
    traces = []
    for project in projects:
        part = parts[project]
        cves = [c or "no CVE" for c in part["cves"].to_list()]
        days = ["unknown" if d is None else f"{d:,.0f}" for d in part["days_from_report"].to_list()]
        traces.append({
            "type": "scatter", "x": part["published"].to_list(), "y": [project] * part.height, "mode": "markers",
            "name": project,
            "marker": {"size": [10 + 4 * min(n, 5) for n in part["cve_count"].to_list()], "color": colors[project],
                       "line": {"width": 1, "color": "white"}},
            "customdata": [list(row) for row in zip(part["advisory_id"].to_list(), part["title"].to_list(), cves, days)],
            "hovertemplate": ("<b>%{customdata[0]}</b> %{x|%d %b %Y}<br>%{customdata[1]}<br>%{customdata[2]}"
                              "<br>days from report: %{customdata[3]}<extra></extra>")})
    layout: dict[str, Any] = {"showlegend": False}
    if shown_note:
        layout["title"] = {"text": shown_note, "font": {"size": 13 if not present else 20}, "x": 0, "y": 0.995}
    if not present:
        layout["height"] = max(400, 80 + 36 * len(projects))
    fig = go.Figure(_validate=False, data=traces, layout=layout)   # one call, unchecked dicts
    return apply_house_style(fig, present=present)


def hygiene_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Repositories x checks: green passed, red missing, detail in the hover."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No repository checks collected for these filters.", present=present)
    checks = [("security_policy", "Security policy / contact"), ("dependency_constraints", "Dependency constraints")]
    total = df.height
    if total > MAX_MAP_ROWS:       # the repositories with the most missing checks (CSV: all)
        missing = pl.sum_horizontal(*[(pl.col(c) == False).cast(pl.Int8).fill_null(0) for c, _ in checks])  # noqa: E712
        df = df.with_columns(missing.alias("_missing")).sort(["_missing", "repo"], descending=[True, False]).head(
            MAX_MAP_ROWS)
    repos = [str(r) for r in df["repo"].to_list()]
    z = [[None if v is None else int(v) for v in df[c].to_list()] for c, _ in checks]
    text = [["✓" if v else "✗" if v is not None else "?" for v in df[c].to_list()] for c, _ in checks]
    detail = [df[f"{c}_detail"].to_list() for c, _ in checks]
    layout: dict[str, Any] = {"yaxis": {"autorange": "reversed"}, "xaxis": {"side": "top"}}
    if total > len(repos):
        layout["title"] = {"text": f"the {len(repos)} of {total:,} repositories with the most missing checks "
                                   "(CSV: all)", "font": {"size": 13 if not present else 20}, "x": 0}
        layout["margin"] = {"t": 90}
    if not present:
        layout["height"] = max(260, 60 + 30 * len(repos))
    fig = go.Figure(_validate=False, layout=layout, data=[{   # one call, unchecked dicts
        "type": "heatmap", "z": Points(list(map(list, zip(*z)))), "x": [label for _, label in checks],
        "y": Points(repos), "text": Points(list(map(list, zip(*text)))),
        "customdata": Points(list(map(list, zip(*detail)))), "texttemplate": "%{text}",
        "showscale": False, "zmin": 0, "zmax": 1, "colorscale": [[0, COLORS["bad"]], [1, COLORS["good"]]],
        "xgap": 3, "ygap": 3, "hovertemplate": "%{y} · %{x}<br>%{customdata}<extra></extra>"}])
    return apply_house_style(fig, present=present)


register(Chart(
    name="security-open-by-project", title="Open security bugs by project", page="security",
    reads=PROJECT_PANEL_READS,
    needs=("bugs",),
    metric=security.open_by_project, figure=open_by_project_figure, order=10, width=4,
    description=("Security bugs (flagged security-related, a Security information type or a configured tag) "
                 "open at the end of the window, per project, with their median and oldest age in days. "
                 "Private bugs are counted only where the configuration allows, and never named."),
    empty_message="No open security bugs for these filters.",
    csv_note=f"Download CSV: every project; the chart draws the {MAX_BARS} with the most open security bugs.",
))
register(Chart(
    name="security-open-public", title="Open public security bugs", page="security",
    reads=PROJECT_PANEL_READS,
    needs=("bugs",),
    metric=security.open_public_bugs, figure=None, order=20, width=8,
    description=("The open security bugs that are public, oldest first, with their links. Private or "
                 "embargoed bugs never appear here."),
    empty_message="No open public security bugs for these filters.",
))
register(Chart(
    name="security-time-to-fix", title="Days to fix security bugs", page="security",
    reads=PROJECT_PANEL_READS,
    needs=("bugs",),
    metric=security.time_to_fix, figure=time_to_fix_figure, order=30, width=12,
    description=("Days from report to fix (fix committed, else fix released, else closed as fixed) per quarter "
                 "of the fix: median and 90th percentile, one value per bug."),
    empty_message="No security bugs fixed for these filters.",
))
register(Chart(
    name="security-advisory-timeline", title="Advisories timeline", page="security", section="advisories",
    reads=PROJECT_PANEL_READS,
    needs=("advisories",),
    metric=security.advisory_timeline, figure=advisory_timeline_figure, order=40, width=8,
    description=("Published advisories per affected project; marker size grows with the number of CVEs. "
                 "Days from report = publication minus the creation of the earliest linked bug."),
    empty_message="No advisories for these filters.",
))
register(Chart(
    name="security-advisories-per-year", title="Advisories per year", page="security", section="advisories",
    reads=PROJECT_PANEL_READS,
    needs=("advisories",),
    metric=security.advisories_per_year, figure=advisories_per_year_figure, order=45, width=4,
    description="Advisories published per year and affected project (an advisory naming two projects counts for each).",
    empty_message="No advisories for these filters.",
))
register(Chart(
    name="security-advisories", title="Advisories and CVEs", page="security", section="advisories",
    reads=PROJECT_PANEL_READS,
    needs=("advisories",),
    metric=security.advisory_timeline, figure=None, order=50, width=8,
    description="Every advisory in the window with its projects, CVE ids and days from first report to publication.",
    empty_message="No advisories for these filters.",
))
register(Chart(
    name="security-reporters", title="Who reports vulnerabilities", page="security", section="advisories",
    reads=PROJECT_PANEL_READS,
    needs=("advisories",),
    metric=security.reporters_by_affiliation,
    figure=bar_top(label="affiliation", value="advisories", share="share_of_advisories", x_title="Advisories",
                   empty="No advisory reporters for these filters."),
    order=55, width=4,
    description="Advisories crediting a reporter of each affiliation (as written in the advisory; none = Unknown).",
    empty_message="No advisory reporters for these filters.",
))
register(Chart(
    name="security-repo-hygiene", title="Repository hygiene", page="security", section="reviews",
    reads=PROJECT_PANEL_READS,
    needs=("repo_checks",),
    metric=security.repo_hygiene, figure=hygiene_figure, order=70, width=6,
    description=("Per repository, at its latest collected commit: a security policy or contact document "
                 "(SECURITY.md, doc/source/security*.rst, ...) and dependency constraints (a constraints file, "
                 "or tox.ini installing with -c ...constraints)."),
    empty_message="No repository checks collected for these filters.",
    csv_note=(f"Download CSV: every repository; with more than {MAX_MAP_ROWS} the map shows the {MAX_MAP_ROWS} "
              "with the most missing checks."),
))

for order, (column, label, fmt, note) in enumerate([
    ("open_security_bugs", "Open security bugs", ",d", "at the end of the window"),
    ("median_open_age_days", "Median age of open ones (days)", ",.0f", ""),
    ("median_days_to_fix", "Median days to fix", ",.0f", "report to fix"),
    ("p90_days_to_fix", "p90 days to fix", ",.0f", ""),
    ("advisories", "Advisories published", ",d", "in the window"),
]):
    register_kpi(Kpi(name=f"security-kpi-{column.replace('_', '-')}", page="security", label=label,
                     metric=security.summary, column=column, format=fmt, order=order * 10,
                     description=f"{label} {note}".strip(),
                     text_column="open_note" if column == "open_security_bugs" else None,
                     needs=("advisories",) if column == "advisories" else ("bugs",),
                     reads=reads_except("org", "kind", "bots", style=False)))
