"""Embed page: ``/embed/<chart>?<filters>`` renders one chart alone, for iframes and slides.

The shell hides its navbar and filters on ``/embed`` paths (and for
``?present=1``); inside a request the chart body is rendered on the server by the
same :func:`~healthdash.dashboard.views.chart_body` the pages' callback uses
(else that callback fills it), with the caption a slide needs (filters, period, "data to <date> · healthdash")
under the chart, and the title always above it.
"""

import dash
from dash import dcc, html

from healthdash.dashboard import charts as registry
from healthdash.dashboard.components import panel, section_store
from healthdash.dashboard.context import current_context, reads_of, section_pairs
from healthdash.dashboard.layout import search_of
from healthdash.dashboard.views import chart_body

dash.register_page(__name__, path_template="/embed/<chart>", name="Embed", order=99,
                   title="healthdash chart")


def layout(chart=None, **query):
    entry = registry.load_all().get(chart or "")
    if entry is None:
        return panel("Unknown chart", f"There is no chart called {chart!r} to embed.", kind="warn")
    context, search = current_context(), search_of(query)   # inside a request the chart arrives rendered
    inner = (chart_body(context, entry.name, search) if context is not None and search is not None
             else html.Div(id={"type": "chart-body", "name": entry.name}, className="chart-fill"))
    body = html.Div(inner, id={"type": "chart-view", "name": entry.name}, className="chart-body embed-body")
    reads = reads_of(entry)
    return html.Div([
        html.H2(entry.title, className="embed-title"),
        dcc.Loading(body, type="dot", delay_show=150),
        section_store("chart-query", "name", entry.name, reads, None if search is None else section_pairs(search, reads)),
    ], className="embed", id=f"card-{entry.name}")
