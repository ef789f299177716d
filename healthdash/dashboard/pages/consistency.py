"""Consistency page: conventions across repositories and feature matrices, with a matrix / target picker."""

import dash
from dash import Input, Output, State, callback, no_update

from healthdash.dashboard.layout import Section, area_page, current_section
from healthdash.dashboard.matrix_picker import picker, picker_search, picker_state

#: The picker's target choices belong to the matrix: a new matrix re-renders the page (and the picker).
dash.register_page(__name__, path="/consistency", name="Consistency", order=5, title="Consistency · healthdash",
                   route_reads=("tab", "matrix"))

INTRO = ("Conventions every repository should follow (read at each repository's collected head), and feature "
         "matrices across targets such as drivers: completeness, holes, and where two targets differ.")
ARRIVES_WITH = "the repository checks and feature matrices"


SECTIONS = [
    Section("", "Conventions", "Which conventions each repository follows, adoption per convention and "
                               "conformance per repository."),
    Section("features", "Feature matrices", "Completeness per target, the holes to plug and where two "
                                            "targets differ (pick the matrix and the targets below)."),
]


def layout(**query):
    page = area_page("consistency", "Consistency", INTRO, ARRIVES_WITH, sections=SECTIONS, query=query)
    grid = next((i for i, child in enumerate(page.children)
                 if getattr(child, "className", None) == "chart-grid"), None)
    if grid is not None and current_section("consistency", query.get("tab")) == "features":
        # the picker (the feature charts' matrix and targets) goes right above them
        page.children.insert(grid, picker())
    return page


def _warehouse():
    return dash.get_app().server.config["HEALTHDASH_CONTEXT"].warehouse


@callback(Output("consistency-matrix", "options"), Output("consistency-matrix", "value"),
          Output("consistency-target_a", "options"), Output("consistency-target_a", "value"),
          Output("consistency-target_b", "options"), Output("consistency-target_b", "value"),
          Output("consistency-shown", "data"), Input("consistency-picker", "id"), State("url", "search"))
def _fill(_id, search):
    state = picker_state(_warehouse(), search)
    shown = [state["matrix"], state["target_a"], state["target_b"]]
    return (state["matrix_options"], state["matrix"], state["target_options"], state["target_a"],
            state["target_options"], state["target_b"], shown)


@callback(Output("url", "search", allow_duplicate=True),
          Input("consistency-matrix", "value"), Input("consistency-target_a", "value"),
          Input("consistency-target_b", "value"), State("url", "search"), State("consistency-shown", "data"),
          prevent_initial_call=True)
def _pick(matrix, target_a, target_b, search, shown):
    if shown == [matrix, target_a, target_b]:      # the values the page just showed, not a new pick
        return no_update
    new = picker_search(search, matrix, target_a, target_b)
    return no_update if new is None else new
