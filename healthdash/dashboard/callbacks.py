"""Callbacks: the filter bar, each page section's fill and redraw, CSV / SVG / embed actions.

Sits between the layout (components with pattern-matching ids) and the views
(:mod:`healthdash.dashboard.views` -> data -> metrics -> figures).  Everything is
registered once per app by :func:`register_callbacks`, generically over the
chart registry, so an area only calls ``register(Chart(...))``.  The work is
done by plain functions (``chart_view``, ``chart_csv``, ``kpi_view``,
``status_view``, ``chrome_view``) that tests call directly; the Dash wrappers
only unpack ids.  Any error becomes a friendly panel, never a traceback.

The filters live in the URL query string.  The browser keeps URL and controls in
step (:mod:`healthdash.dashboard.clientside`); the page container follows only the
path and open tab (:mod:`healthdash.dashboard.router`), so a filter change redraws
just the sections reading a changed key -- one request each -- plus the filter
bar's own banner, summary and options (one request).  Area pages are rendered on the
server in the router's request (:func:`page_views`, memoised per warehouse file
version); sections not ready within the page budget arrive through their
placeholders' callbacks, which wait for the computation already running.
"""

from __future__ import annotations

import functools

import json
import logging
from typing import Any

from urllib.parse import urlencode

import dash
from dash import ALL, MATCH, Input, Output, State, ctx as callback_ctx, no_update

from healthdash.dashboard.components import FILTER_IDS, MAX_LISTED, NAV_PAGES, listed, option_list, panel
from healthdash.dashboard import clientside
from healthdash.dashboard.context import (KPI_READS, DashboardContext, download_or_panel, embed_href,  # noqa: F401
                                          filters_from)
from healthdash.dashboard.router import register_router
from healthdash.dashboard.slides import register_slides_callback
from healthdash.dashboard.status import data_view
from healthdash.dashboard.views import (chart_body, chart_csv, chart_frame, chart_view, kpi_view,  # noqa: F401
                                        page_views, table_view)   # (chart_frame, page_views: re-exported for callers)
from healthdash.errors import FilterError, HealthdashError
from healthdash.labels import filters_sentence
from healthdash.metrics import Filters
from healthdash.metrics.cycles import resolve_cycle

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- filters

def controls_from(filters: Filters) -> dict[str, Any]:
    return {
        "team": list(filters.team), "project": list(filters.project), "repo": list(filters.repo),
        "org": list(filters.org), "kind": list(filters.kind), "cycle": filters.cycle,
        "start": filters.start.isoformat() if filters.start else None,
        "end": filters.end.isoformat() if filters.end else None,
        "bots": ["1"] if filters.include_bots else [],
    }


# --------------------------------------------------------------------------- status

def status_view(context: DashboardContext, pathname: str | None, search: str | None):
    """A banner when there is nothing to show: no warehouse, empty, outdated, bad filter.

    Memoised per warehouse file version (its checks cost ~0.5 s at a million commits, on every
    page load and filter change); without a warehouse it is computed each time (it says so).
    """
    path = pathname or "/"
    kind = "/embed" if path.startswith("/embed") else ("/data" if path == "/data" else "/")
    try:
        return context.warehouse.memo(("status", kind, search or ""), lambda: _status(context, kind, search))
    except HealthdashError:
        return _status(context, kind, search)


def _status(context: DashboardContext, pathname: str, search: str | None):
    if pathname.startswith("/embed"):   # the chart alone, but never numbers from a half-run source
        try:
            incomplete = incomplete_sources(context)
        except HealthdashError:
            return None
        return panel("Some sources are incomplete", incomplete, kind="warn") if incomplete else None
    filters = Filters()
    try:
        filters = filters_from(search)
        if filters.cycle:
            with context.warehouse.cursor() as cur:
                resolve_cycle(cur, filters)
    except FilterError as err:
        return panel("This link has a filter healthdash cannot use", err.message, kind="warn")
    except HealthdashError:
        pass  # no warehouse: said below
    try:
        version, expected = context.warehouse.schema_status()
        if version < expected:
            return panel("Warehouse needs an upgrade",
                         f"The warehouse has schema version {version}; this healthdash expects {expected}. "
                         "Run `healthdash collect` once to upgrade it in place.", kind="warn")
        if context.warehouse.is_empty() and pathname != "/data":
            return panel("No data collected yet",
                         "The warehouse holds no contributions. Run `healthdash collect` for your "
                         "configured sources, or `healthdash demo` to explore a demo community.", kind="empty")
        unknown = unknown_names(context, filters)
        if unknown:
            return panel("Some filters match nothing in this warehouse", unknown, kind="warn")
        incomplete = incomplete_sources(context)
        if incomplete:
            return panel("Some sources are incomplete", incomplete, kind="warn")
    except HealthdashError as err:
        return panel(err.title if err.title != "warehouse error" else "No data yet", err.message, kind="empty")
    return None


#: Kinds whose failed runs keep the pages they completed (git and affiliation files are all or nothing).
_PARTIAL_KINDS_SQL = """
SELECT source_id, kind FROM sources
WHERE last_error IS NOT NULL AND rows_loaded > 0 AND kind NOT IN ('git', 'affiliation')
ORDER BY source_id
"""


def incomplete_sources(context: DashboardContext) -> str:
    """A sentence naming HTTP sources whose last run failed after loading pages ('' if none).

    Such a source keeps the pages it completed (the next run resumes from them), so
    until a run of it finishes, the numbers built from it may miss items.
    """
    rows = context.warehouse.query(_PARTIAL_KINDS_SQL)
    if rows.is_empty():
        return ""
    names = rows["source_id"].to_list()
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return (f"The last run of {shown} failed part-way: the numbers built from "
            f"{'it' if len(names) == 1 else 'them'} keep the pages collected so far and may miss items until "
            "a run finishes (`healthdash collect`; the Data page shows the error).")


def unknown_names(context: DashboardContext, filters: Filters) -> str:
    """A sentence naming team / project / repo / organisation / cycle values the warehouse does
    not know ('' if none): their pages show empty results, which must not read as real zeros."""
    offered = choices(context)
    notes = []
    for key, label in (("team", "team"), ("project", "project"), ("repo", "repository"),
                       ("org", "organisation"), ("cycle", "release cycle")):
        chosen = getattr(filters, key)
        missing = [v for v in ([chosen] if isinstance(chosen, str) else chosen or ()) if v not in offered[key]]
        if missing:
            known = ", ".join(offered[key][:8]) + (", …" if len(offered[key]) > 8 else "")
            notes.append(f"no {label} called {', '.join(repr(m) for m in missing)} (known: {known or 'none'})")
    text = "; ".join(notes)
    return text[:1].upper() + text[1:] + "." if text else ""


def filter_summary(search: str | None) -> str:
    """One line naming the active filters, shown in presentation mode (slides need context)."""
    try:
        return filters_sentence(filters_from(search))
    except FilterError:
        return ""


def choices(context: DashboardContext) -> dict[str, list[str]]:
    """Values offered by the filter dropdowns (empty when there is no warehouse yet), memoised
    per warehouse version (a copy each call: callers extend the lists)."""
    try:
        found = context.warehouse.memo(("choices",), lambda: _choices(context))
    except HealthdashError:
        found = _choices(context)
    return {key: list(values) for key, values in found.items()}


def _choices(context: DashboardContext) -> dict[str, list[str]]:
    queries = {
        "team": "SELECT name FROM teams ORDER BY name",
        "project": "SELECT name FROM projects ORDER BY name",
        "repo": "SELECT name FROM repos ORDER BY name",
        "org": "SELECT org FROM (SELECT org FROM org_domains UNION SELECT org FROM affiliations "
               "UNION SELECT 'Independent') ORDER BY org",
        "cycle": "SELECT name FROM release_cycles ORDER BY start_at DESC",
    }
    found: dict[str, list[str]] = {}
    for key, sql in queries.items():
        try:
            found[key] = [str(v) for v in context.warehouse.query(sql).to_series().to_list()]
        except HealthdashError:
            found[key] = []
    return found


def narrowed_choices(context: DashboardContext, teams: list[str] | None,
                     projects: list[str] | None) -> tuple[list[str], list[str]]:
    """Projects of the chosen teams and repositories of the chosen projects (or teams)."""
    teams, projects = list(teams or []), list(projects or [])
    try:
        project_names, repo_names = context.warehouse.memo(
            ("narrowed", tuple(teams), tuple(projects)), lambda: _narrowed(context, teams, projects))
    except HealthdashError:
        return projects, []
    return list(project_names), list(repo_names)


def _narrowed(context: DashboardContext, teams: list[str], projects: list[str]) -> tuple[list[str], list[str]]:
    project_names = context.warehouse.query(
        "SELECT name FROM projects WHERE $teams = [] OR list_contains($teams, team) ORDER BY name",
        {"teams": teams}).to_series().to_list()
    repo_names = context.warehouse.query(
        "SELECT r.name FROM repos r LEFT JOIN projects p ON p.name = r.project "
        "WHERE ($projects = [] OR list_contains($projects, r.project)) "
        "AND ($teams = [] OR list_contains($teams, p.team)) ORDER BY r.name",
        {"teams": teams, "projects": projects}).to_series().to_list()
    return project_names, repo_names


# --------------------------------------------------------------------------- registration

_FILTER_KEYS = ("team", "project", "repo", "org", "kind", "cycle")


def register_callbacks(app: dash.Dash, context: DashboardContext) -> None:
    """Wire every generic callback of the dashboard to ``app``."""
    register_router(app)
    _register_filter_bar(app, context)
    _register_sections(app, context)
    register_slides_callback(app, context)
    nav_paths = [path for _, _, path in NAV_PAGES]
    app.clientside_callback(clientside.NAV_JS % json.dumps(nav_paths),
                            *[Output(f"nav-{name}", "href") for name, _, _ in NAV_PAGES],
                            *[Output(f"nav-{name}", "className") for name, _, _ in NAV_PAGES],
                            Output("present-enter", "href"), Output("present-exit", "href"),
                            Input("url", "pathname"), Input("url", "search"))
    app.clientside_callback(clientside.SHELL_MODE_JS, Output("app-shell", "className"),
                            Input("url", "pathname"), Input("url", "search"))
    app.clientside_callback(clientside.QUERY_LINK_JS,
                            Output({"type": "query-link", "path": ALL, "tab": ALL, "slot": ALL}, "href"),
                            Input("url", "search"), State({"type": "query-link", "path": ALL, "tab": ALL, "slot": ALL}, "id"))
    app.callback(Output("data-body", "children"), Input("data-body", "id"))(
        lambda _id: data_view(context.warehouse))
    slot = {"type": "table-slot", "name": MATCH, "search": MATCH}
    app.callback(Output(slot, "children"), Input({**slot, "type": "table-wait"}, "n_clicks"),
                 prevent_initial_call=True)(lambda _clicks: _table_for(context))


def _table_for(context: DashboardContext):
    """The grid for the table trigger that was clicked (it scrolled near)."""
    key = callback_ctx.triggered_id or {}
    return table_view(context, str(key.get("name", "")), str(key.get("search", "")))


def section_search_of(data: Any) -> str:
    """The query string of a section store's pairs (anything malformed: no filters)."""
    pairs = (data or {}).get("query") if isinstance(data, dict) else None
    if not isinstance(pairs, list):
        return ""
    kept = [(str(p[0]), str(p[1])) for p in pairs if isinstance(p, (list, tuple)) and len(p) == 2]
    return f"?{urlencode(kept)}" if kept else ""


def _register_sections(app: dash.Dash, context: DashboardContext) -> None:
    """Chart cards and KPI rows: filled when they arrive as placeholders, redrawn when (and only
    when) a URL key they read changes, each through one request; CSV, SVG and embed actions."""
    @app.callback(Output({"type": "chart-body", "name": MATCH}, "children"),
                  Input({"type": "chart-body", "name": MATCH}, "id"), State("url", "search"))
    def _chart(body_id, search):
        return chart_body(context, body_id["name"], search)

    @app.callback(Output({"type": "chart-view", "name": MATCH}, "children"),
                  Input({"type": "chart-query", "name": MATCH}, "data"), prevent_initial_call=True)
    def _chart_redraw(data):
        return chart_body(context, callback_ctx.triggered_id["name"], section_search_of(data))

    app.callback(Output({"type": "kpi-row", "page": MATCH}, "children"),
                 Input({"type": "kpi-row", "page": MATCH}, "id"), State("url", "search"))(
        lambda row_id, search: kpi_view(context, row_id["page"], search))

    @app.callback(Output({"type": "kpi-view", "page": MATCH}, "children"),
                  Input({"type": "kpi-query", "page": MATCH}, "data"), prevent_initial_call=True)
    def _kpi_redraw(data):
        return kpi_view(context, callback_ctx.triggered_id["page"], section_search_of(data))

    for kind, key in (("chart-query", "name"), ("kpi-query", "page")):
        app.clientside_callback(clientside.SECTION_JS, Output({"type": kind, key: MATCH}, "data"),
                                Input("url", "search"), State({"type": kind, key: MATCH}, "data"))
    app.clientside_callback(clientside.EMBED_JS, Output({"type": "chart-embed", "name": MATCH}, "href"),
                            Input("url", "search"), State({"type": "chart-embed", "name": MATCH}, "id"))

    @app.callback(Output({"type": "chart-download", "name": MATCH}, "data"),
                  Input({"type": "chart-csv", "name": MATCH}, "n_clicks"), State("url", "search"),
                  prevent_initial_call=True)
    def _csv(n_clicks, search):
        if not n_clicks:
            return no_update
        button = callback_ctx.triggered_id
        return download_or_panel(lambda: chart_csv(context, button["name"], search))

    app.clientside_callback(clientside.SVG_JS, Output({"type": "chart-svg", "name": MATCH}, "title"),
                            Input({"type": "chart-svg", "name": MATCH}, "n_clicks"),
                            State({"type": "chart-svg", "name": MATCH}, "id"), prevent_initial_call=True)


def filter_options(context: DashboardContext, values: dict[str, Any]) -> dict[str, list[str]]:
    """Dropdown choices for the current selection: projects and repos narrowed to the chosen
    teams / projects, and every selected value kept, so a link naming a team this warehouse
    does not know shows it (and an empty result) instead of silently dropping it."""
    offered = choices(context)
    offered["project"], offered["repo"] = narrowed_choices(context, values.get("team"), values.get("project"))
    for key in _OPTION_KEYS:
        for value in _as_list(values.get(key)):
            if value not in offered[key]:
                offered[key].append(value)
    return offered

_OPTION_KEYS = ("team", "project", "repo", "org", "cycle")
#: URL keys the banner, the filter summary and the dropdown options depend on (not the style).
CHROME_READS = KPI_READS


def chrome_view(context: DashboardContext, pathname: str | None, search: str | None,
                custom: list[str] | None = None) -> tuple:
    """(filter summary, status banner, options per dropdown, keys whose options differ from the
    shell's) for the URL: the filter bar's own section, one request per filter change.

    The shell arrives with every dropdown's full choices; options are sent only for a dropdown
    whose choices are narrowed (projects of the chosen teams) or keep an unknown chosen value, or
    were (``custom``, from the previous answer) and must go back to the full list -- the full
    repository list is ~100 kB the browser would otherwise re-render on every page load.
    """
    try:
        values = controls_from(filters_from(search))
    except FilterError:
        values = {}
    offered, full = filter_options(context, values), choices(context)
    now = [key for key in _OPTION_KEYS if offered[key] != full[key]]
    resend = set(now) | set(custom or [])
    return (filter_summary(search), status_view(context, pathname, search),
            *[option_list(listed(offered[key], _as_list(values.get(key)))) if key in resend else no_update
              for key in _OPTION_KEYS], now)


def _as_list(chosen: Any) -> list[str]:
    """A dropdown's value as a list (one value for a single-choice dropdown, None for none)."""
    return [chosen] if isinstance(chosen, str) else list(chosen or [])


def searched_options(context: DashboardContext, key: str, typed: str | None, chosen: Any,
                     search: str | None) -> Any:
    """A dropdown's options for what is typed in it: the matches among its choices for the URL's
    other filters (at most :data:`MAX_LISTED`) and the chosen values; unchanged for a short list
    (the dropdown already holds all of it and searches it itself)."""
    try:
        values = controls_from(filters_from(search))
    except FilterError:
        values = {}
    offered = filter_options(context, values)[key]
    if typed is None or len(offered) <= MAX_LISTED:
        return no_update
    return option_list(listed(offered, _as_list(chosen), typed))


def _register_filter_bar(app: dash.Dash, context: DashboardContext) -> None:
    """URL <-> controls in the browser; banner, summary and options in one request per change."""
    controls = [(FILTER_IDS[key], "value") for key in _FILTER_KEYS] + [
        ("filter-dates", "start_date"), ("filter-dates", "end_date"), ("filter-bots", "value")]
    app.clientside_callback(clientside.SYNC_JS, Output("url", "search"), *[Output(*c) for c in controls],
                            Output("filter-error", "children"),
                            *[Output(FILTER_IDS[key], "options", allow_duplicate=True) for key in _OPTION_KEYS],
                            Input("url", "search"), *[Input(*c) for c in controls],
                            *[State(FILTER_IDS[key], "options") for key in _OPTION_KEYS],
                            prevent_initial_call="initial_duplicate")
    app.clientside_callback(clientside.chrome_js(CHROME_READS), Output("chrome-query", "data"),
                            Input("url", "pathname"), Input("url", "search"), State("chrome-query", "data"))
    for key in _OPTION_KEYS:
        app.callback(Output(FILTER_IDS[key], "options", allow_duplicate=True),
                     Input(FILTER_IDS[key], "search_value"), State(FILTER_IDS[key], "value"),
                     State("url", "search"), prevent_initial_call=True)(
            functools.partial(searched_options, context, key))
    app.callback(Output("filter-summary", "children"), Output("app-status", "children"),
                 *[Output(FILTER_IDS[key], "options") for key in _OPTION_KEYS], Output("filter-custom", "data"),
                 Input("chrome-query", "data"), State("filter-custom", "data"))(
        lambda data, custom: chrome_view(context, (data or {}).get("path"), section_search_of(data), custom))
