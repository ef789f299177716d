"""Quality page: the charts and KPIs registered for page "quality" under the global filters."""

import dash

from healthdash.dashboard.layout import Section, area_page

dash.register_page(__name__, path="/quality", name="Quality", order=2, title="Quality · healthdash")

INTRO = ("Test coverage, bug backlog and review health: how well the work is looked after. "
         "The organisation filter narrows the review panels (changes by their owner's organisation when "
         "created) and changed lines in test files (commit authors); coverage reports and bug panels are "
         "per project and ignore it.")
ARRIVES_WITH = "the coverage, Launchpad and Gerrit collectors"

SECTIONS = [
    Section("", "Coverage", "Test coverage per repository and project, its trend, and how much changed code "
                            "is test code."),
    Section("reviews", "Reviews and CI", "How fast changes are reviewed, how long they stay open, CI results "
                                         "and rework per merged change."),
    Section("bugs", "Bugs", "Backlog, inflow against outflow, the age of open bugs and time to triage."),
]


def layout(**query):
    return area_page("quality", "Quality", INTRO, ARRIVES_WITH, sections=SECTIONS, query=query)
