"""Organisation drill-down: one organisation's contributions by team and kind, and its people.

The organisation is the ``org`` filter, so the global filters, CSV downloads
and embeds work as everywhere (``/participation/organisation?org=Acme``).
Without one, the page lists every organisation as a link.
"""

import dash
from dash import Input, State, callback, html

from healthdash.dashboard.charts import FILTER_KEYS
from healthdash.dashboard.drilldown import ORG_PATH, org_index_view, org_people_view
from healthdash.dashboard.layout import area_page

#: Its title names the organisation and its index / people sections read every filter: re-rendered for each.
dash.register_page(__name__, path=ORG_PATH, name="Organisation", order=90, title="Organisation · healthdash",
                   route_reads=FILTER_KEYS)


def _warehouse():
    return dash.get_app().server.config["HEALTHDASH_CONTEXT"].warehouse


def layout(org=None, **_query):
    if not org:
        return html.Div([
            html.Div([html.H1("Organisations"),
                      html.P("Pick an organisation to see its contributions by team and kind and the people "
                             "behind them.", className="page-intro")], className="page-head"),
            html.Div(id="organisation-index", className="card")], className="page-organisation")
    page = area_page("organisation", f"Organisation: {org}",
                     "Its contributions by team and kind under the global filters (independents: every "
                     "person without an organisation), and the people behind them.", "the git collector",
                     query={"org": org, **_query})
    page.children.append(html.Div([html.H3("People", className="card-title"),
                                   html.Div(id="organisation-people")], className="card"))
    return page


@callback(dash.Output("organisation-index", "children"), Input("organisation-index", "id"), State("url", "search"))
def _index(_id, search):
    return org_index_view(_warehouse(), search)


@callback(dash.Output("organisation-people", "children"), Input("organisation-people", "id"), State("url", "search"))
def _people(_id, search):
    return org_people_view(_warehouse(), search)
