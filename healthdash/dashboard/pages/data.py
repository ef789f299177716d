"""Data page: sources, last collection and errors, row counts, schema version."""

import dash
from dash import html

dash.register_page(__name__, path="/data", name="Data", order=6, title="Data · healthdash")


def layout(**_query):
    return html.Div([
        html.Div([html.H1("Data"),
                  html.P("What the warehouse holds: every source with its last run and last error, "
                         "and the rows in each table.", className="page-intro")], className="page-head"),
        html.Div(id="data-body", className="card data-body"),
    ], className="page-data")
