"""Overview page: the team scorecard, then headline KPIs of every area with links to the area pages.

The scorecard is the registered chart ``scorecard`` (charts/scorecard.py):
hovering a cell shows its inputs and formula, and clicking it opens that area's
page filtered to the team and cycle (the link is the cell's customdata).
"""

from urllib.parse import urlencode

import dash
from dash import Input, Output, callback, html, no_update

from healthdash.dashboard import charts as registry
from healthdash.dashboard.charts.scorecard import scorecard_target
from healthdash.dashboard.context import current_context
from healthdash.dashboard.layout import chart_cards, kpi_section, query_link
from healthdash.dashboard.views import page_views

dash.register_page(__name__, path="/", name="Overview", order=0, title="healthdash")

AREAS = [
    ("participation", "Participation", "Who contributes, from which organisations, and how concentrated it is."),
    ("quality", "Quality", "Coverage, bug backlog, review and CI health."),
    ("security", "Security", "Security bugs, advisories, review coverage, hygiene."),
    ("commonality", "Commonality", "Common libraries, dependency drift, duplicated code."),
    ("consistency", "Consistency", "Conventions across repositories, feature matrices."),
]


def _area(page: str, title: str, blurb: str, search: str, cards: dict) -> html.Div:
    has_kpis = bool(registry.kpis_for_page(page))
    charts = len(registry.for_page(page))
    body = kpi_section(page, search, cards.get(page)) if has_kpis else html.P(
        f"{charts} chart{'s' if charts != 1 else ''} available." if charts else "Not collected yet.",
        className="muted")
    return html.Div([
        html.Div([html.H2(query_link(title, f"/{page}", f"/{page}{search}", slot="title",
                                     className="area-link")),
                  html.P(blurb, className="muted")], className="area-head"),
        body,
        query_link(f"Open {title} →", f"/{page}", f"/{page}{search}", className="area-open"),
    ], className="card area-card")


def layout(**query):
    query_string = urlencode(query, doseq=True)  # links keep the global filters
    search = f"?{query_string}" if query_string else ""
    context = current_context()   # inside a request: the scorecard and every area's KPI cards, concurrently
    cards, bodies = (page_views(context, "overview", search, kpi_pages=[a[0] for a in AREAS]) if context
                     else ({}, {}))
    scorecard = registry.load_all()["scorecard"]
    card, = chart_cards([scorecard], search if context else None, bodies)
    return html.Div([
        html.Div([html.H1("Project health overview"),
                  html.P("Each team's health per area for one release cycle, then headline numbers for the "
                         "filters above; open an area for its charts. Every number can be downloaded as CSV "
                         "from its chart.", className="page-intro")],
                 className="page-head"),
        html.Div([card], className="chart-grid"),
        html.Div([_area(*area, search, cards) for area in AREAS], className="area-grid"),
    ], className="page-overview")


@callback(Output("url", "href", allow_duplicate=True),
          Input({"type": "chart-graph", "name": "scorecard"}, "clickData"), prevent_initial_call=True)
def _open_scorecard_cell(click_data):
    return scorecard_target(click_data) or no_update
