"""The views of a page's sections: a chart card's body, a page's KPI cards, a whole page at once.

Sits between the layout / callbacks (which place and refresh sections) and the data layer
(:mod:`healthdash.dashboard.data` -> metrics -> figures).  Every view is memoised per
(warehouse file version, section, the URL keys the section reads), so a page seen before,
or a filter the section does not read, costs no query.  Any error becomes a friendly
panel, never a traceback.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import date
from typing import Any

from healthdash.dashboard import charts as registry
from healthdash.dashboard.components import chart_caption, chart_graph, frame_table, kpi_card, panel, table_slot
from healthdash.dashboard.context import (DashboardContext, error_view, filters_from, reads_of,
                                          section_search)
from healthdash.dashboard.data import friendly, metric_frame
from healthdash.dashboard.figures import apply_theme, empty_figure, graph_config, is_dark, is_present
from healthdash.dashboard.margins import reserve_margins
from healthdash.dashboard.periods import mark_in_progress
from healthdash.errors import FilterError, HealthdashError
from healthdash.export import csv_text, file_stem
from healthdash.labels import filters_sentence
from healthdash.metrics import Filters
from healthdash.metrics.cycles import resolve_cycle

log = logging.getLogger(__name__)

#: Table rows per page in presentation mode: a page of large type fits one 16:9 screen.
PRESENT_TABLE_ROWS = 10

# --------------------------------------------------------------------------- charts

def chart_frame(context: DashboardContext, name: str, search: str | None):
    """(chart, filters, frame) for one chart and URL query; errors propagate."""
    chart = registry.load_all().get(name)
    if chart is None:
        raise HealthdashError(f"there is no chart called {name!r}", title="Unknown chart")
    filters = filters_from(search)
    return chart, filters, metric_frame(chart, filters, warehouse=context.warehouse)


def chart_body(context: DashboardContext, name: str, search: str | None) -> list:
    """What a chart card's body holds: the view and, for slides and embeds, its caption
    (naming the filters the chart applies: those among the keys it reads)."""
    search = chart_search(name, search)
    return [chart_view(context, name, search), chart_caption_view(context, search)]


def chart_search(name: str, search: str | None) -> str:
    """``search`` cut to the keys chart ``name`` reads (unknown chart: unchanged)."""
    chart = registry.load_all().get(name)
    return section_search(search, reads_of(chart)) if chart else (search or "")


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
    search = chart_search(name, search)
    try:
        return context.warehouse.memo(("chart-view", name, search), lambda: _chart_view(context, name, search))
    except Exception as err:  # noqa: BLE001 - every failure becomes a message
        return error_view(err)


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
            return table_slot(chart.name, search)
        start, end, data_end = period(context, filters)
        config = graph_config(chart.name, present=present, filename=file_stem(chart.name, filters, end))
        if df.is_empty():
            figure = apply_theme(empty_figure(chart.empty_message, present=present), dark=dark)
            return chart_graph(chart, figure, {**config, "displayModeBar": False})
        figure = mark_in_progress(chart.figure(df, filters), end, data_end=data_end, present=present, start=start)
        return chart_graph(chart, apply_theme(reserve_margins(figure), dark=dark), config)
    except Exception as err:  # noqa: BLE001 - every failure becomes a message
        return error_view(err)


def table_view(context: DashboardContext, name: str, search: str | None):
    """A table chart's grid (see :func:`healthdash.dashboard.components.table_slot`)."""
    try:
        chart, filters, df = chart_frame(context, name, search)
        if df.is_empty():
            return panel("No data", chart.empty_message, kind="empty")
        present = is_present(filters)
        return frame_table(df, page_size=PRESENT_TABLE_ROWS if present else 15, present=present)
    except Exception as err:  # noqa: BLE001 - every failure becomes a message
        return error_view(err)


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


# --------------------------------------------------------------------------- whole pages

#: Threads rendering page sections, shared by all requests of this process: DuckDB runs
#: queries without the GIL, so on a 2-core machine one thread builds a figure while another's
#: query runs, and 20 clients cannot start 20 x N renders at once.
PAGE_WORKERS = 3
_PAGE_POOL = ThreadPoolExecutor(PAGE_WORKERS, thread_name_prefix="page-view")
#: Seconds a page render waits for its sections; the rest arrive through their callbacks.
PAGE_BUDGET_S = 1.0


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
    search = section_search(search, kpi_reads(page))
    try:
        filters = filters_from(search)
    except FilterError as err:
        return error_view(err)
    try:
        return context.warehouse.memo(("kpi-view", page, search or ""), lambda: _kpi_cards(context, page, filters))
    except HealthdashError:
        return _kpi_cards(context, page, filters)   # no warehouse: each card says why


def kpi_reads(page: str) -> tuple[str, ...]:
    """The URL keys the KPI row of ``page`` depends on: what any of its KPIs reads."""
    found: dict[str, None] = {}
    for kpi in registry.kpis_for_page(page):
        found.update(dict.fromkeys(reads_of(kpi)))
    return tuple(found)


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
