"""Participation charts and KPIs (foundation): commits by organisation, top organisations.

Registers entries that tie :mod:`healthdash.metrics.participation` to house-style
figure builders; the Participation page, CSV downloads, embeds and
``healthdash export`` all read these entries.  No Dash import here.
"""

from __future__ import annotations

from healthdash.dashboard.charts import Chart, Kpi, register, register_kpi
from healthdash.dashboard.figures import area_over_time, bar_top
from healthdash.metrics import participation

register(Chart(
    name="commits-by-org",
    title="Commits by organisation",
    page="participation",
    metric=participation.commits_by_org,
    figure=area_over_time(x="month", y="commits", series="org", y_title="Commits per month",
                          empty="No commits for these filters."),
    order=10,
    description=(f"Non-merge commits per month by the author's organisation at the commit date; the "
                 f"{participation.COMMITS_TOP_N} biggest organisations are named, the rest summed as "
                 "Others, independents shown apart. Bots excluded unless included."),
    empty_message="No commits for these filters.",
    width=8,
))

register(Chart(
    name="top-organisations",
    title="Top organisations",
    page="participation",
    metric=participation.top_organisations,
    figure=bar_top(label="org", value="contributions", share="share", x_title="Contributions",
                   empty="No contributions for these filters."),
    order=20,
    description=(f"Contributions of every kind in the filters (commits, reviews, merged changes, bugs) "
                 f"per organisation with its share of the total; the {participation.TOP_ORGS_N} biggest "
                 "are listed, the rest summed as Others."),
    empty_message="No contributions for these filters.",
    width=4,
))

_KPIS = [
    ("contributors", "Contributors", "contributors", ",d", None,
     "Distinct people (identities merged by email and configured aliases) with a contribution."),
    ("organisations", "Organisations", "organisations", ",d", None,
     "Distinct organisations with a contribution; independents are not counted as one."),
    ("top-org-share", "Top organisation share", "top_org_share", ".0%", "top_org",
     "Share of all contributions made by the biggest organisation (independents count in the total)."),
    ("independent-share", "Independent share", "independent_share", ".0%", None,
     "Share of all contributions made by people with no organisation."),
]

for order, (name, label, column, fmt, note, description) in enumerate(_KPIS):
    register_kpi(Kpi(name=f"participation-{name}", page="participation", label=label,
                     metric=participation.summary, column=column, format=fmt, order=order * 10,
                     description=description, text_column=note))
