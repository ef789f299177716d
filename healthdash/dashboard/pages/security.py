"""Security page: the charts and KPIs registered for page "security" under the global filters."""

import dash

from healthdash.dashboard.layout import Section, area_page

dash.register_page(__name__, path="/security", name="Security", order=3, title="Security · healthdash")

INTRO = ("Security bugs, advisories, review coverage of landed commits and repository hygiene. "
         "The organisation filter narrows review coverage (commits by their author's organisation) only; "
         "bug, advisory, reporter and hygiene panels cover every organisation.")
ARRIVES_WITH = "the security bugs and advisories collectors"

SECTIONS = [
    Section("", "Security bugs", "Open security bugs by project and how fast they are fixed."),
    Section("advisories", "Advisories", "Published advisories, their CVEs and who reported the vulnerabilities."),
    Section("reviews", "Review and hygiene", "Whether landed commits went through review, and each repository's "
                                             "security hygiene."),
]


def layout(**query):
    return area_page("security", "Security", INTRO, ARRIVES_WITH, sections=SECTIONS, query=query)
