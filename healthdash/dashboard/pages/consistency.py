"""Consistency page: the charts and KPIs registered for page "consistency" under the global filters."""

import dash

from healthdash.dashboard.layout import area_page

dash.register_page(__name__, path="/consistency", name="Consistency", order=5, title="Consistency · healthdash")

INTRO = "Conventions every repository should follow, and feature matrices across targets."
ARRIVES_WITH = "the repository checks and feature matrices"


def layout(**_query):
    return area_page("consistency", "Consistency", INTRO, ARRIVES_WITH)
