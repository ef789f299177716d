"""Callbacks: the URL <-> filters sync and the generic chart / KPI / CSV callbacks.

Sits between the layout (components with pattern-matching ids) and the data
layer (:mod:`healthdash.dashboard.data` -> metrics -> figures).  Everything is
registered once per app by :func:`register_callbacks`, generically over the
chart registry, so an area only calls ``register(Chart(...))``.  The work is
done by plain functions (``chart_view``, ``chart_csv``, ``kpi_view``,
``sync_filters``) that tests call directly; the Dash wrappers only unpack
ids.  Any error becomes a friendly panel, never a traceback.

The filters live in the URL query string: one callback handles both
directions (URL -> controls on load, controls -> URL on change), and the pages
router re-renders the page for the new query.  Area pages are rendered on the
server in that one router request (:func:`page_views`: KPI cards and chart
bodies computed concurrently, each memoised per warehouse file version), so a
page seen before costs one round trip instead of two per chart; sections not
ready within :data:`PAGE_BUDGET_S` (a cold page) arrive through the per-chart
callbacks, which wait for the computation already running.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date
from typing import Any

import dash
from dash import MATCH, Input, Output, State, ctx as callback_ctx, html, no_update

from healthdash.dashboard import charts as registry
from healthdash.dashboard.components import (FILTER_IDS, NAV_PAGES, chart_caption, chart_graph, frame_table,
                                             kpi_card, option_list, panel)
from healthdash.dashboard.data import Warehouse, friendly, metric_frame
from healthdash.dashboard.status import data_view
from healthdash.dashboard.figures import apply_theme, empty_figure, graph_config, is_dark, is_present
from healthdash.dashboard.periods import mark_in_progress
from healthdash.errors import FilterError, HealthdashError
from healthdash.export import csv_text, file_stem
from healthdash.labels import filters_sentence
from healthdash.metrics import Filters, consistency, parse_filters
from healthdash.metrics.cycles import resolve_cycle
from healthdash.settings import Settings

log = logging.getLogger(__name__)

#: Query keys kept in the URL besides the filters: presentation mode, the dark slide theme and
#: the Consistency page's matrix picker.
EXTRA_KEYS = ("present", "theme", *consistency.PAGE_KEYS)
#: Table rows per page in presentation mode: a page of large type fits one 16:9 screen.
PRESENT_TABLE_ROWS = 10


@dataclass
class DashboardContext:
    settings: Settings
    warehouse: Warehouse


def filters_from(search: str | None) -> Filters:
    """Filters of a URL query string (raises FilterError naming a bad value)."""
    return parse_filters(search or "", extra_keys=EXTRA_KEYS)


def _error_view(err: Exception):
    if isinstance(err, FilterError):  # the banner above the page already explains it
        return html.P("Not shown: the link's filters are invalid (see the message above).", className="note")
    if not isinstance(err, HealthdashError):
        log.exception("dashboard view failed", exc_info=err)
    title, message = friendly(err)
    return panel(title, message, kind="error" if not isinstance(err, HealthdashError) else "warn")


# --------------------------------------------------------------------------- charts

def chart_frame(context: DashboardContext, name: str, search: str | None):
    """(chart, filters, frame) for one chart and URL query; errors propagate."""
    chart = registry.load_all().get(name)
    if chart is None:
        raise HealthdashError(f"there is no chart called {name!r}", title="Unknown chart")
    filters = filters_from(search)
    return chart, filters, metric_frame(chart, filters, warehouse=context.warehouse)


def chart_body(context: DashboardContext, name: str, search: str | None) -> list:
    """What a chart card's body holds: the view and, for slides and embeds, its caption."""
    return [chart_view(context, name, search), chart_caption_view(context, search)]


def chart_caption_view(context: DashboardContext, search: str | None):
    """Filters and period in one line, and the data's last day (None for a bad link: the banner says why)."""
    try:
        filters = filters_from(search)
    except FilterError:
        return None
    try:
        return context.warehouse.memo(("caption", search or ""), lambda: _caption(context, filters))
    except HealthdashError:
        return _caption(context, filters)


def _caption(context: DashboardContext, filters: Filters):
    start, end, data_end = period(context, filters)
    return chart_caption(filters_sentence(filters, start, end), data_end)


def chart_view(context: DashboardContext, name: str, search: str | None):
    """The chart itself: a graph, a table, or a friendly message, memoised per warehouse version
    (a page seen once is served from memory until the next collection swaps a new file in)."""
    try:
        return context.warehouse.memo(("chart-view", name, search or ""), lambda: _chart_view(context, name, search))
    except Exception as err:  # noqa: BLE001 - every failure becomes a message
        return _error_view(err)


def _chart_view(context: DashboardContext, name: str, search: str | None):
    try:
        chart = registry.load_all().get(name)
        missing = registry.missing_input(chart.needs, context.warehouse.has_rows) if chart else None
        if missing:
            return panel("No data", "C" + missing.split(" — c", 1)[1] + " to see this chart.", kind="empty")
        chart, filters, df = chart_frame(context, name, search)
        present, dark = is_present(filters), is_dark(filters)
        if chart.figure is None:
            if df.is_empty():
                return panel("No data", chart.empty_message, kind="empty")
            return frame_table(df, page_size=PRESENT_TABLE_ROWS if present else 15, present=present)
        start, end, data_end = period(context, filters)
        config = graph_config(chart.name, present=present, filename=file_stem(chart.name, filters, end))
        if df.is_empty():
            figure = apply_theme(empty_figure(chart.empty_message, present=present), dark=dark)
            return chart_graph(chart, figure, {**config, "displayModeBar": False})
        figure = mark_in_progress(chart.figure(df, filters), end, data_end=data_end, present=present, start=start)
        return chart_graph(chart, apply_theme(figure, dark=dark), config)
    except Exception as err:  # noqa: BLE001 - every failure becomes a message
        return _error_view(err)


def period(context: DashboardContext, filters: Filters) -> tuple[date | None, date | None, date | None]:
    """(first day of the window, last day the chart's numbers cover, the data's last day).

    The last covered day is the filter's end when it is earlier than the newest
    contribution, else that contribution's day; None where unknown.
    """
    try:
        data_end = context.warehouse.data_end()
        with context.warehouse.cursor() as cur:
            resolved = resolve_cycle(cur, filters)
    except HealthdashError:
        return filters.start, filters.end, None
    if data_end is None:
        return resolved.start, resolved.end, None
    return resolved.start, (min(resolved.end, data_end) if resolved.end else data_end), data_end


def chart_csv(context: DashboardContext, name: str, search: str | None) -> dict[str, str]:
    """``dcc.Download`` payload: CSV of exactly the frame the chart plots, named
    ``<chart>-<filters>-<date>.csv`` (the date the numbers run to)."""
    _, filters, df = chart_frame(context, name, search)
    _, end, _ = period(context, filters)
    return {"content": csv_text(df), "filename": f"{file_stem(name, filters, end)}.csv",
            "type": "text/csv;charset=utf-8"}


def download_or_panel(make):
    """A download callback's payload, or (when making it fails) a friendly panel and no download."""
    try:
        return make()
    except Exception as err:  # noqa: BLE001 - a panel, never a traceback
        dash.set_props("app-error", {"children": _error_view(err)})
        return no_update


def embed_href(name: str, search: str | None) -> str:
    query = (search or "").lstrip("?")
    return f"/embed/{name}" + (f"?{query}" if query else "")


# --------------------------------------------------------------------------- whole pages

#: Threads rendering page sections, shared by all requests of this process: DuckDB runs
#: queries without the GIL, so on a 2-core machine one thread builds a figure while another's
#: query runs, and 20 clients cannot start 20 x N renders at once.
PAGE_WORKERS = 3
_PAGE_POOL = ThreadPoolExecutor(PAGE_WORKERS, thread_name_prefix="page-view")
#: Seconds a page render waits for its sections; the rest arrive through their callbacks.
PAGE_BUDGET_S = 1.0


def current_context() -> DashboardContext | None:
    """The dashboard context of the app serving this request (None outside a request)."""
    from flask import current_app, has_app_context  # noqa: PLC0415

    return current_app.config.get("HEALTHDASH_CONTEXT") if has_app_context() else None


def page_views(context: DashboardContext, page: str, search: str | None, *, kpi_pages: list[str] | None = None,
               charts: list | None = None):
    """``(kpi cards per page, chart card body per chart name)`` of ``page`` for one URL query.

    Every section (``charts``: the ones in view, default all of the page's) is computed
    concurrently and memoised per warehouse version; what is ready within
    :data:`PAGE_BUDGET_S` seconds (everything a visitor saw before, since it is memoised)
    arrives in the router's one response, and a section still computing is left out (its
    card gets a placeholder whose callback waits for the same computation), so a cold page
    shows its first charts at once instead of after the slowest.  ``kpi_pages`` lists the
    pages whose KPI rows are shown (the Overview shows several areas' rows).
    """
    kpi_pages = [page] if kpi_pages is None else kpi_pages
    charts = registry.for_page(page) if charts is None else charts
    kpis = {p: _PAGE_POOL.submit(kpi_view, context, p, search) for p in kpi_pages if registry.kpis_for_page(p)}
    bodies = {c.name: _PAGE_POOL.submit(chart_body, context, c.name, search) for c in charts}
    wait([*kpis.values(), *bodies.values()], timeout=PAGE_BUDGET_S)
    return ({p: f.result() for p, f in kpis.items() if f.done()},
            {n: f.result() for n, f in bodies.items() if f.done()})


# --------------------------------------------------------------------------- KPIs

def kpi_view(context: DashboardContext, page: str, search: str | None):
    """The KPI cards of ``page``; KPIs sharing a metric are computed once (memoised per warehouse version)."""
    try:
        filters = filters_from(search)
    except FilterError as err:
        return _error_view(err)
    try:
        return context.warehouse.memo(("kpi-view", page, search or ""), lambda: _kpi_cards(context, page, filters))
    except HealthdashError:
        return _kpi_cards(context, page, filters)   # no warehouse: each card says why


def _kpi_cards(context: DashboardContext, page: str, filters: Filters) -> list:
    frames: dict[Any, Any] = {}
    cards = []
    for kpi in registry.kpis_for_page(page):
        missing = _kpi_missing(context, kpi)
        if missing:     # "no data", never a 0 or 0% computed from nothing
            cards.append(kpi_card(kpi, None, missing))
            continue
        if kpi.metric not in frames:
            frames[kpi.metric] = _kpi_frame(context, kpi, filters)
        df = frames[kpi.metric]
        if isinstance(df, Exception):  # this metric failed: its cards say so, the others still show
            cards.append(kpi_card(kpi, None, "unavailable: " + friendly(df)[1][:120]))
            continue
        value = df[kpi.column][0] if df.height and kpi.column in df.columns else None
        note = df[kpi.text_column][0] if kpi.text_column and df.height else None
        cards.append(kpi_card(kpi, value, note))
    return cards


def _kpi_missing(context: DashboardContext, kpi) -> str | None:
    try:
        return registry.missing_input(kpi.needs, context.warehouse.has_rows)
    except HealthdashError:
        return None     # no warehouse: the page's banner says so


def _kpi_frame(context: DashboardContext, kpi, filters: Filters):
    """The KPI metric's frame, or the exception it raised (logged when unexpected)."""
    key = f"kpi:{kpi.metric.__module__}.{kpi.metric.__qualname__}"
    try:
        return context.warehouse.frame(key, kpi.metric, filters)
    except Exception as err:  # noqa: BLE001
        if not isinstance(err, HealthdashError):
            log.exception("KPI %s failed", kpi.name, exc_info=err)
        return err


# --------------------------------------------------------------------------- filters

def _control_mapping(values: dict[str, Any], search: str | None) -> dict[str, Any]:
    """The query mapping the controls describe, keeping extra keys of the URL."""
    mapping: dict[str, Any] = {key: values.get(key) or [] for key in ("team", "project", "repo", "org", "kind")}
    mapping["cycle"] = values.get("cycle") or None
    mapping["start"] = (values.get("start") or "")[:10] or None
    mapping["end"] = (values.get("end") or "")[:10] or None
    mapping["bots"] = "1" if values.get("bots") else None
    try:
        current = filters_from(search)
        mapping.update(current.extra)
    except FilterError:
        pass
    return mapping


def controls_from(filters: Filters) -> dict[str, Any]:
    return {
        "team": list(filters.team), "project": list(filters.project), "repo": list(filters.repo),
        "org": list(filters.org), "kind": list(filters.kind), "cycle": filters.cycle,
        "start": filters.start.isoformat() if filters.start else None,
        "end": filters.end.isoformat() if filters.end else None,
        "bots": ["1"] if filters.include_bots else [],
    }


def sync_filters(search: str | None, values: dict[str, Any], from_url: bool):
    """One step of the URL <-> controls sync.

    Returns ``(new_search or None, control values or None, error text)``;
    ``None`` means "leave as is".
    """
    if from_url:
        try:
            return None, controls_from(filters_from(search)), ""
        except FilterError:
            return None, None, ""  # the status banner explains a bad link once
    try:
        query = parse_filters(_control_mapping(values, search), extra_keys=EXTRA_KEYS).to_query()
    except FilterError as err:
        return None, None, err.message
    new_search = f"?{query}" if query else ""
    return (None if new_search == (search or "") else new_search), None, ""


# --------------------------------------------------------------------------- status

def status_view(context: DashboardContext, pathname: str | None, search: str | None):
    """A banner when there is nothing to show: no warehouse, empty, outdated, bad filter."""
    if (pathname or "").startswith("/embed"):   # the chart alone, but never numbers from a half-run source
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
    """A sentence naming team / project / repo values the warehouse does not know ('' if none)."""
    offered = choices(context)
    notes = []
    for key, label in (("team", "team"), ("project", "project"), ("repo", "repository")):
        missing = [v for v in getattr(filters, key) if v not in offered[key]]
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

_SHELL_MODE_JS = """
function(pathname, search) {
    var classes = ['app-shell'];
    if ((pathname || '').indexOf('/embed') === 0) { classes.push('embed'); }
    if (/[?&]present=(1|true|yes)(&|$)/.test(search || '')) { classes.push('present'); }
    if (/[?&]theme=dark(&|$)/.test(search || '')) { classes.push('dark'); }
    return classes.join(' ');
}
"""

_NAV_JS = r"""
function(pathname, search) {
    var paths = %s;
    var query = search || '';
    var hrefs = paths.map(function (p) { return p + query; });
    var classes = paths.map(function (p) {
        var here = p === '/' ? pathname === '/' : (pathname || '').indexOf(p) === 0;
        return here ? 'nav-link active' : 'nav-link';
    });
    var rest = query.replace(/^\?/, '').split('&').filter(function (kv) {
        return kv && kv.indexOf('present=') !== 0;
    });
    var plain = (pathname || '/') + (rest.length ? '?' + rest.join('&') : '');
    var present = (pathname || '/') + '?' + rest.concat(['present=1']).join('&');
    return hrefs.concat(classes, [present, plain]);
}
"""

_SVG_JS = """
function(n, id) {
    if (!n) { return window.dash_clientside.no_update; }
    var card = document.getElementById('card-' + id.name);
    var gd = card && card.querySelector('.js-plotly-plot');
    if (gd && window.Plotly) {
        var options = (gd._context && gd._context.toImageButtonOptions) || {};
        window.Plotly.downloadImage(gd, {format: 'svg', width: 1600, height: 900,
                                         filename: options.filename || id.name});
    }
    return window.dash_clientside.no_update;
}
"""


def register_callbacks(app: dash.Dash, context: DashboardContext) -> None:
    """Wire every generic callback of the dashboard to ``app``."""
    from healthdash.dashboard.slides import register_slides_callback

    _register_filter_sync(app, context)
    _register_charts(app, context)
    register_slides_callback(app, context)
    app.callback(Output({"type": "kpi-row", "page": MATCH}, "children"),
                 Input({"type": "kpi-row", "page": MATCH}, "id"), State("url", "search"))(
        lambda row_id, search: kpi_view(context, row_id["page"], search))
    app.callback(Output("filter-summary", "children"), Input("url", "search"))(filter_summary)
    app.callback(Output("app-status", "children"), Input("url", "pathname"), Input("url", "search"))(
        lambda pathname, search: status_view(context, pathname, search))
    nav_paths = [path for _, _, path in NAV_PAGES]
    app.clientside_callback(_NAV_JS % json.dumps(nav_paths),
                            *[Output(f"nav-{name}", "href") for name, _, _ in NAV_PAGES],
                            *[Output(f"nav-{name}", "className") for name, _, _ in NAV_PAGES],
                            Output("present-enter", "href"), Output("present-exit", "href"),
                            Input("url", "pathname"), Input("url", "search"))
    app.clientside_callback(_SHELL_MODE_JS, Output("app-shell", "className"),
                            Input("url", "pathname"), Input("url", "search"))
    app.callback(Output("data-body", "children"), Input("data-body", "id"))(
        lambda _id: data_view(context.warehouse))


def _register_charts(app: dash.Dash, context: DashboardContext) -> None:
    @app.callback(Output({"type": "chart-body", "name": MATCH}, "children"),
                  Input({"type": "chart-body", "name": MATCH}, "id"), State("url", "search"))
    def _chart(body_id, search):
        return chart_body(context, body_id["name"], search)

    @app.callback(Output({"type": "chart-embed", "name": MATCH}, "href"),
                  Input({"type": "chart-embed", "name": MATCH}, "id"), State("url", "search"))
    def _embed(link_id, search):
        return embed_href(link_id["name"], search)

    @app.callback(Output({"type": "chart-download", "name": MATCH}, "data"),
                  Input({"type": "chart-csv", "name": MATCH}, "n_clicks"), State("url", "search"),
                  prevent_initial_call=True)
    def _csv(n_clicks, search):
        if not n_clicks:
            return no_update
        button = callback_ctx.triggered_id
        return download_or_panel(lambda: chart_csv(context, button["name"], search))

    app.clientside_callback(_SVG_JS, Output({"type": "chart-svg", "name": MATCH}, "title"),
                            Input({"type": "chart-svg", "name": MATCH}, "n_clicks"),
                            State({"type": "chart-svg", "name": MATCH}, "id"), prevent_initial_call=True)


def filter_options(context: DashboardContext, values: dict[str, Any]) -> dict[str, list[str]]:
    """Dropdown choices for the current selection: projects and repos narrowed to the chosen
    teams / projects, and every selected value kept, so a link naming a team this warehouse
    does not know shows it (and an empty result) instead of silently dropping it."""
    offered = choices(context)
    offered["project"], offered["repo"] = narrowed_choices(context, values.get("team"), values.get("project"))
    for key in _OPTION_KEYS:
        chosen = values.get(key) or []
        for value in [chosen] if isinstance(chosen, str) else chosen:
            if value not in offered[key]:
                offered[key].append(value)
    return offered


_OPTION_KEYS = ("team", "project", "repo", "org", "cycle")


def _register_filter_sync(app: dash.Dash, context: DashboardContext) -> None:
    control_outputs = [Output(FILTER_IDS[key], "value") for key in _FILTER_KEYS]
    control_inputs = [Input(FILTER_IDS[key], "value") for key in _FILTER_KEYS]
    option_outputs = [Output(FILTER_IDS[key], "options") for key in _OPTION_KEYS]

    @app.callback(
        Output("url", "search"), *control_outputs,
        Output("filter-dates", "start_date"), Output("filter-dates", "end_date"),
        Output("filter-bots", "value"), Output("filter-error", "children"), *option_outputs,
        Input("url", "search"), *control_inputs,
        Input("filter-dates", "start_date"), Input("filter-dates", "end_date"), Input("filter-bots", "value"),
    )
    def _sync(search, *args):
        values = dict(zip(_FILTER_KEYS, args[:len(_FILTER_KEYS)]))
        values["start"], values["end"], values["bots"] = args[len(_FILTER_KEYS):]
        from_url = callback_ctx.triggered_id in (None, "url")
        new_search, controls, error = sync_filters(search, values, from_url)
        outputs = [new_search if new_search is not None else no_update]
        if controls is None:
            outputs += [no_update] * (len(_FILTER_KEYS) + 3)
        else:
            outputs += [controls[key] for key in _FILTER_KEYS] + [controls["start"], controls["end"],
                                                                  controls["bots"]]
        offered = filter_options(context, controls if controls is not None else values)
        return (*outputs, error, *[option_list(offered[key]) for key in _OPTION_KEYS])
