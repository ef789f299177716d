"""Commonality page: the charts and KPIs registered for page "commonality" under the global filters."""

import dash

from healthdash.dashboard.layout import area_page

dash.register_page(__name__, path="/commonality", name="Commonality", order=4, title="Commonality · healthdash")

INTRO = ("Common libraries and who uses them, dependency drift against the community's requirements and "
         "constraints, and code duplicated across repositories, read at each repository's collected head.")
ARRIVES_WITH = "the dependency and duplicate-code analysis"


def layout(**query):
    return area_page("commonality", "Commonality", INTRO, ARRIVES_WITH, query=query)
