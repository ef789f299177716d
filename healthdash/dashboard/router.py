"""The page router: the page container is re-rendered when the path or the open tab changes, never
for a filter.

Dash's own pages router re-renders the whole page for every new query string, so a filter
change redrew the shell's page, every chart and every KPI (7-12 s on Participation).  Here a
clientside callback reduces the URL to its route (path and ``tab``) and only a new route reaches
the server; a filter change is handled by the sections that read the changed keys
(:mod:`healthdash.dashboard.callbacks`).  Pages stay registered with ``dash.register_page``
(paths, path templates, titles, the 404 page).
"""

from __future__ import annotations

import json

import dash
from dash import Input, Output, State, html
from dash._pages import PAGE_REGISTRY, _parse_query_string, _path_to_page

from healthdash.dashboard.clientside import PAIRS_JS

#: URL keys a page's layout reads unless its ``register_page`` says ``route_reads=...``: the open tab.
DEFAULT_ROUTE_READS = ("tab",)

_ROUTE_JS = """
function(pathname, search, current) {
    %s
    var rules = %s;      /* [path or path prefix, is a prefix, keys the layout reads] */
    var path = pathname || '/';
    var keys = %s;
    rules.forEach(function (rule) {
        if (rule[1] ? path.indexOf(rule[0]) === 0 : path === rule[0]) { keys = rule[2]; }
    });
    var next = {path: path, query: hdPairs(search, keys)};
    if (JSON.stringify(next) === JSON.stringify(current)) { return window.dash_clientside.no_update; }
    return next;
}
"""

_TITLE_JS = """
function(data) {
    if (data && data.title) { document.title = data.title; }
    return window.dash_clientside.no_update;
}
"""


def page_layout(app: dash.Dash, pathname: str | None, search: str | None) -> tuple:
    """(layout, title) of the registered page at ``pathname`` for the URL query ``search``."""
    page, variables = _path_to_page(app.strip_relative_path(pathname or "/"))
    if not page:
        page = next((p for module, p in PAGE_REGISTRY.items() if module.split(".")[-1] == "not_found_404"), {})
        variables = None
    layout = page.get("layout", html.H1("Page not found"))
    title = page.get("title", app.title)
    if callable(layout):
        layout = layout(**{**(variables or {}), **_parse_query_string(search or "")})
    if callable(title):
        title = title(**(variables or {}))
    return layout, {"title": title}


def route_rules() -> list:
    """``[path or prefix, is a prefix, keys]`` of every page declaring the URL keys its layout reads
    (``dash.register_page(..., route_reads=(...))``: e.g. a drill-down titled by its ``org``)."""
    rules = []
    for page in PAGE_REGISTRY.values():
        if page.get("route_reads") is None:
            continue
        template = page.get("path_template")
        path = template.split("<", 1)[0] if template else page["path"]
        rules.append([path, bool(template), list(page["route_reads"])])
    return rules


def register_router(app: dash.Dash) -> None:
    """Route on the path and the keys its page's layout reads: ``page-route`` (clientside, compares)
    -> ``page-content`` (one request, only when they changed)."""
    script = _ROUTE_JS % (PAIRS_JS, json.dumps(route_rules()), json.dumps(list(DEFAULT_ROUTE_READS)))
    app.clientside_callback(script, Output("page-route", "data"),
                            Input("url", "pathname"), Input("url", "search"), State("page-route", "data"))
    app.callback(Output("page-content", "children"), Output("page-title", "data"),
                 Input("page-route", "data"), State("url", "search"))(
        lambda route, search: page_layout(app, (route or {}).get("path"), search))
    app.clientside_callback(_TITLE_JS, Output("page-title", "modified_timestamp"), Input("page-title", "data"))
