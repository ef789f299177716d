"""Participation page: the charts and KPIs registered for page "participation" under the global filters."""

import dash

from healthdash.dashboard.layout import area_page

dash.register_page(__name__, path="/participation", name="Participation", order=1,
                   title="Participation · healthdash")

INTRO = ("Who contributes and from which organisations: commits over time, the organisations behind "
         "the work and how concentrated it is.")
ARRIVES_WITH = "the git and review collectors"


def layout(**_query):
    return area_page("participation", "Participation", INTRO, ARRIVES_WITH)
