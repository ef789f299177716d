"""Embed page: ``/embed/<chart>?<filters>`` renders one chart alone, for iframes and slides.

The shell hides its navbar and filters on ``/embed`` paths (and for
``?present=1``); inside a request the chart body is rendered on the server by the
same :func:`~healthdash.dashboard.callbacks.chart_body` the pages' callback uses
(else that callback fills it), with the caption a slide needs (filters, period, "data to <date> · healthdash")
under the chart, and the title always above it.
"""

import dash
from dash import dcc, html

from healthdash.dashboard import charts as registry
from healthdash.dashboard.callbacks import chart_body, current_context
from healthdash.dashboard.components import panel
from healthdash.dashboard.layout import search_of

dash.register_page(__name__, path_template="/embed/<chart>", name="Embed", order=99,
                   title="healthdash chart")


def layout(chart=None, **query):
    entry = registry.load_all().get(chart or "")
    if entry is None:
        return panel("Unknown chart", f"There is no chart called {chart!r} to embed.", kind="warn")
    context = current_context()   # inside a request the chart arrives rendered, no callback round trip
    body = html.Div(id={"type": "chart-body", "name": entry.name}, className="chart-body embed-body")
    if context is not None:
        body = html.Div(chart_body(context, entry.name, search_of(query)), id={"type": "chart-view", "name": entry.name},
                        className="chart-body embed-body")
    return html.Div([
        html.H2(entry.title, className="embed-title"),
        dcc.Loading(body, type="dot", delay_show=150),
    ], className="embed", id=f"card-{entry.name}")
