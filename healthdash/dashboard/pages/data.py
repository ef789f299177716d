"""Data page: sources, last collection and errors, row counts, schema version.

Below the warehouse facts come the charts registered for page "data" (e.g.
affiliation conflicts), laid out on the same 12-column grid as the area pages.
"""

import dash
from dash import html

from healthdash.dashboard import charts as registry
from healthdash.dashboard.components import chart_card

dash.register_page(__name__, path="/data", name="Data", order=6, title="Data · healthdash")


def layout(**_query):
    return html.Div([
        html.Div([html.H1("Data"),
                  html.P("What the warehouse holds: every source with its last run and last error, "
                         "and the rows in each table.", className="page-intro")], className="page-head"),
        html.Div(id="data-body", className="card data-body"),
        html.Div([chart_card(c) for c in registry.for_page("data")], className="chart-grid data-charts"),
    ], className="page-data")
