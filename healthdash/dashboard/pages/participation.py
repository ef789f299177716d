"""Participation page: the charts and KPIs registered for page "participation" under the global filters.

Eighteen panels would be a 5,500-pixel scroll, so they sit in tabs (``?tab=``);
only the open tab's charts are computed.
"""

import dash

from healthdash.dashboard.layout import Section, area_page

dash.register_page(__name__, path="/participation", name="Participation", order=1,
                   title="Participation · healthdash")

INTRO = ("Who contributes and from which organisations: commits over time, the organisations behind "
         "the work and how concentrated it is.")
ARRIVES_WITH = "the git and review collectors"
SECTIONS = [
    Section("", "Organisations", "Which organisations do the work, and how their shares move."),
    Section("reviews", "Reviews", "Who reviews and approves changes, by organisation and over time."),
    Section("people", "People", "Newcomers and whether they stay, the busiest reviewers, and people "
                                "whose employer changed."),
    Section("governance", "Governance", "The committee's affiliation-diversity criteria per team, "
                                        "concentration by contribution kind and the organisations each team "
                                        "depends on."),
]


def layout(**query):
    return area_page("participation", "Participation", INTRO, ARRIVES_WITH, sections=SECTIONS, query=query)
