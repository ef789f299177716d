"""404 page: an unknown path says so and links back to the overview."""

import dash
from dash import dcc, html

from healthdash.dashboard.components import panel

dash.register_page(__name__, path="/404", name="Not found", order=100, title="Not found · healthdash")


def layout(**_query):
    return panel("Page not found", "There is no page at this address.", kind="warn",
                 children=dcc.Link("Back to the overview", href="/"))
