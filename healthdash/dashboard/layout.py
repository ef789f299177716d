"""Page skeletons: the app shell and the generic layout of an area page.

Sits under the page modules (which stay a few lines each).  Layouts are cheap
and read nothing from the warehouse: the router calls them on every
navigation, and callbacks in :mod:`healthdash.dashboard.callbacks` fill the
charts and KPIs for the filters in the URL.  An area with nothing registered
yet shows an honest "arrives with ..." panel instead of empty boxes.
"""

from __future__ import annotations

import dash
from dash import dcc, html

from healthdash.dashboard import charts as registry
from healthdash.dashboard.components import chart_card, filter_bar, kpi_row, navbar, panel, present_exit


def shell(choices: dict[str, list[str]]) -> html.Div:
    """Navbar, global filters, status banner and the page container."""
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        html.Header([navbar(), filter_bar(choices)], className="chrome", id="chrome"),
        present_exit(),
        html.Div(id="filter-summary", className="filter-summary"),
        html.Div(id="app-status", className="app-status"),
        html.Div(id="app-error", className="app-error", role="alert"),
        html.Main(dash.page_container, className="page"),
        html.Footer("healthdash · numbers from the warehouse; every chart exports its rows as CSV",
                    className="footer chrome"),
    ], id="app-shell", className="app-shell")


def area_page(page: str, title: str, intro: str, arrives_with: str) -> html.Div:
    """Header, KPI cards and the registered charts of ``page`` (or a 'not yet' panel)."""
    charts = registry.for_page(page)
    kpis = registry.kpis_for_page(page)
    header = html.Div([html.H1(title), html.P(intro, className="page-intro")], className="page-head")
    if not charts and not kpis:
        return html.Div([header, panel(
            "Nothing to show here yet",
            f"No {title.lower()} metrics are registered in this installation yet: they arrive with "
            f"{arrives_with}. Once that area is collected, its charts appear here.", kind="empty")],
            className=f"page-{page}")
    grid = html.Div([chart_card(c) for c in charts], className="chart-grid")
    return html.Div([header, kpi_row(page) if kpis else None, grid], className=f"page-{page}")
