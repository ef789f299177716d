"""Strategic page: who invests in the community's long-term health (issue 13).

The charts registered for page "strategic" under the global filters, and the
definitions of every category written out on the page (from
:data:`healthdash.metrics.strategic.CATEGORIES`, the one list).
"""

import dash
from dash import html

from healthdash.dashboard.layout import area_page
from healthdash.metrics.strategic import CATEGORIES

dash.register_page(__name__, path="/strategic", name="Strategic", order=7,
                   title="Strategic contributions · healthdash")

INTRO = ("Which organisations invest in the community's long-term health — common libraries, tests, "
         "reviews of other organisations' work, bug fixing, security and consistency — rather than only "
         "in their own features, against the community average. People, organisations and bots are "
         "counted exactly as on the Participation page. The organisation filter picks the organisations "
         "shown; the community average always covers every organisation in the other filters.")
ARRIVES_WITH = "the git and review collectors"


def definitions() -> html.Div:
    """Every category's definition, always visible (not only on hover)."""
    items = [item for _, label, text in CATEGORIES
             for item in (html.Dt(label, style={"fontWeight": 600}), html.Dd(text, style={"marginBottom": "6px"}))]
    return html.Div([
        html.H3("Definitions", className="card-title"),
        html.P("A contribution can count in several categories, so the shares do not add up to 100%. "
               "The community share pools every organisation (all their category contributions over all "
               "their contributions).", className="note"),
        html.Dl(items, className="definitions"),
    ], className="card span-12 strategic-definitions", id="strategic-definitions")


def layout(**query):
    page = area_page("strategic", "Strategic contributions", INTRO, ARRIVES_WITH, query=query)
    page.children.append(definitions())
    return page
