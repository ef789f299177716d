"""Overview page: headline KPIs of every area with links to the area pages.

The per-team scorecard arrives in a later issue; until then each area shows
its registered KPI cards (or says which collector brings it).
"""

from urllib.parse import urlencode

import dash
from dash import dcc, html

from healthdash.dashboard import charts as registry
from healthdash.dashboard.components import kpi_row

dash.register_page(__name__, path="/", name="Overview", order=0, title="healthdash")

AREAS = [
    ("participation", "Participation", "Who contributes, from which organisations, and how concentrated it is."),
    ("quality", "Quality", "Coverage, bug backlog, review and CI health."),
    ("security", "Security", "Security bugs, advisories, review coverage, hygiene."),
    ("commonality", "Commonality", "Common libraries, dependency drift, duplicated code."),
    ("consistency", "Consistency", "Conventions across repositories, feature matrices."),
]


def _area(page: str, title: str, blurb: str, search: str) -> html.Div:
    has_kpis = bool(registry.kpis_for_page(page))
    charts = len(registry.for_page(page))
    body = kpi_row(page) if has_kpis else html.P(
        f"{charts} chart{'s' if charts != 1 else ''} available." if charts else "Not collected yet.",
        className="muted")
    return html.Div([
        html.Div([html.H2(dcc.Link(title, href=f"/{page}{search}", className="area-link")),
                  html.P(blurb, className="muted")], className="area-head"),
        body,
        dcc.Link(f"Open {title} →", href=f"/{page}{search}", className="area-open"),
    ], className="card area-card")


def layout(**query):
    query_string = urlencode(query, doseq=True)  # links keep the global filters
    search = f"?{query_string}" if query_string else ""
    return html.Div([
        html.Div([html.H1("Project health overview"),
                  html.P("Headline numbers for the filters above; open an area for its charts. "
                         "Every number can be downloaded as CSV from its chart.", className="page-intro")],
                 className="page-head"),
        html.Div([_area(*area, search) for area in AREAS], className="area-grid"),
    ], className="page-overview")
