"""Warm the views of every page's default view, at ``serve`` start and after each collection.

Sits beside :mod:`healthdash.dashboard.serving`, over :mod:`healthdash.dashboard.views`.
Views are memoised per warehouse file version, so the first visitor of a page after start or
after a collection swapped a new file in used to pay for every chart's query and figure (the
Overview's scorecard: several seconds at full scale).  One daemon thread computes each
default view (no filters: what a link without a query shows) in the order of the navigation,
one at a time so visitors' requests keep a core, then watches the file and does it again
when a collection replaces it.  What a visitor asks for meanwhile is not computed twice: the
memo makes a request wait for the running computation.
"""

from __future__ import annotations

import logging
import threading
import time

from healthdash.dashboard import charts as registry
from healthdash.dashboard.callbacks import choices, status_view
from healthdash.dashboard.components import NAV_PAGES
from healthdash.dashboard.context import DashboardContext
from healthdash.dashboard.views import chart_body, kpi_view
from healthdash.errors import HealthdashError

log = logging.getLogger(__name__)

#: Seconds between two looks at the warehouse file's version.
POLL_S = 5.0


def default_views() -> list[tuple[str, str]]:
    """``(kind, name)`` of every section a link without filters shows: KPI rows, then charts,
    page by page in the navigation's order (drill-downs, which need a name, are left out)."""
    order = {name: i for i, (name, _, _) in enumerate(NAV_PAGES)}
    charts = sorted((c for c in registry.load_all().values() if c.page in order),
                    key=lambda c: (order[c.page], c.order, c.name))
    kpi_pages = sorted({k.page for k in registry.KPIS.values() if k.page in order}, key=order.get)
    return [("kpis", page) for page in kpi_pages] + [("chart", c.name) for c in charts]


def warm(context: DashboardContext, stop: threading.Event | None = None) -> int:
    """Compute every default view once (memoised), after the banner and the dropdowns' choices every
    page load asks for; returns how many views were computed."""
    try:
        status_view(context, "/", "")
        choices(context)
    except HealthdashError:
        return 0
    done = 0
    for kind, name in default_views():
        if stop is not None and stop.is_set():
            break
        try:
            chart_body(context, name, "") if kind == "chart" else kpi_view(context, name, "")
            done += 1
        except HealthdashError:      # no warehouse yet: nothing to warm
            return done
    return done


def _stamp(context: DashboardContext):
    try:
        return context.warehouse.path.stat().st_mtime_ns, context.warehouse.path.stat().st_ino
    except OSError:
        return None


def start_warmer(context: DashboardContext, *, poll_s: float = POLL_S) -> threading.Event:
    """Warm now in a daemon thread, and again whenever the warehouse file changes; set the returned
    event to stop it."""
    stop = threading.Event()

    def run() -> None:
        seen = None
        while not stop.is_set():
            stamp = _stamp(context)
            if stamp is not None and stamp != seen:
                started = time.perf_counter()
                count = warm(context, stop)
                seen = stamp
                log.info("warmed %d default views in %.1f s", count, time.perf_counter() - started)
            stop.wait(poll_s)

    threading.Thread(target=run, name="healthdash-warmup", daemon=True).start()
    return stop
