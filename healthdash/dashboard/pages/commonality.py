"""Commonality page: the charts and KPIs registered for page "commonality" under the global filters."""

import dash

from healthdash.dashboard.layout import Section, area_page

dash.register_page(__name__, path="/commonality", name="Commonality", order=4, title="Commonality · healthdash")

INTRO = ("Common libraries and who uses them, dependency drift against the community's requirements and "
         "constraints, and code duplicated across repositories, read at each repository's collected head.")
ARRIVES_WITH = "the dependency and duplicate-code analysis"

SECTIONS = [
    Section("", "Common libraries", "Which repositories use the community's common libraries, by team."),
    Section("dependencies", "Dependency drift", "Dependencies declared with different specifiers, and "
                                                "specifiers that exclude the constrained version."),
    Section("duplicates", "Duplicated code", "Code copied across repositories: its share and the most-copied "
                                             "blocks."),
]


def layout(**query):
    return area_page("commonality", "Commonality", INTRO, ARRIVES_WITH, sections=SECTIONS, query=query)
