"""Person drill-down: how a person was merged and where each contribution went, and why.

``/participation/person/<person id>`` (the id in the path, so changing the
global filters keeps it).  Shows the same explanation as ``healthdash people
show`` and the exact overrides line that would correct it.
"""

from urllib.parse import unquote

import dash
from dash import Input, State, callback, html

from healthdash.dashboard.charts import FILTER_KEYS
from healthdash.dashboard.drilldown import PERSON_PATH, person_view

#: Its body reads every filter: re-rendered for each.
dash.register_page(__name__, path_template=PERSON_PATH + "/<person_id>", name="Person", order=91,
                   title="Person · healthdash", route_reads=FILTER_KEYS)


def layout(person_id=None, **_query):
    return html.Div([
        html.Div([html.H1("Person"),
                  html.P("How this person's identities were merged, which organisation each of their "
                         "contributions went to and why, and how to correct it.", className="page-intro")],
                 className="page-head"),
        html.Div(id="person-body", **{"data-person": unquote(person_id or "")}),
    ], className="page-person")


@callback(dash.Output("person-body", "children"), Input("url", "pathname"), State("url", "search"))
def _body(pathname, search):
    if not (pathname or "").startswith(PERSON_PATH + "/"):
        return dash.no_update
    person_id = unquote(pathname[len(PERSON_PATH) + 1:])
    return person_view(dash.get_app().server.config["HEALTHDASH_CONTEXT"].warehouse, person_id, search)
