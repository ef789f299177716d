"""Embed page: ``/embed/<chart>?<filters>`` renders one chart alone, for iframes and slides.

The shell hides its navbar and filters on ``/embed`` paths (and for
``?present=1``); the chart body is filled by the same callback as on the pages,
with the caption a slide needs (filters, period, "data to <date> · healthdash")
under the chart, and the title always above it.
"""

import dash
from dash import dcc, html

from healthdash.dashboard import charts as registry
from healthdash.dashboard.components import panel

dash.register_page(__name__, path_template="/embed/<chart>", name="Embed", order=99,
                   title="healthdash chart")


def layout(chart=None, **_query):
    entry = registry.load_all().get(chart or "")
    if entry is None:
        return panel("Unknown chart", f"There is no chart called {chart!r} to embed.", kind="warn")
    return html.Div([
        html.H2(entry.title, className="embed-title"),
        dcc.Loading(html.Div(id={"type": "chart-body", "name": entry.name}, className="chart-body embed-body"),
                    type="dot", delay_show=150),
    ], className="embed", id=f"card-{entry.name}")
