"""The chart registry: every chart and table the dashboard can show.

A :class:`Chart` ties a metric function (``(con, filters) -> DataFrame``) to a
pure figure builder (``(df, filters) -> go.Figure``).  Pages lay out the charts
registered for them; the same entry serves the page, its "Download CSV"
button (exactly the frame the figure plots), the ``/embed/<name>`` URL for
slides and iframes, and ``healthdash export``.  Each area registers its charts
in its own module here (``participation.py``, ``quality.py``, ...).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

import polars as pl

Metric = Callable[[Any, Any], pl.DataFrame]

#: URL keys of the global filters (what the filter bar sets); ``cycle`` stands for start and end.
FILTER_KEYS = ("team", "project", "repo", "org", "kind", "start", "end", "cycle", "bots")
#: Keys that only change how a chart looks (presentation mode, the dark slide theme).
STYLE_KEYS = ("present", "theme")


def reads_except(*ignored: str, style: bool = True) -> tuple[str, ...]:
    """Every filter key but ``ignored`` (plus the style keys for a chart): a ``reads`` declaration
    for a chart or KPI whose numbers do not depend on those filters (tests/test_section_reads.py
    checks each declaration against the frames)."""
    return tuple(k for k in FILTER_KEYS if k not in ignored) + (STYLE_KEYS if style else ())


#: Panels of per-project records (coverage reports, bugs, advisories): no organisation,
#: contribution kind or bot to filter by.
PROJECT_PANEL_READS = reads_except("org", "kind", "bots")
FigureBuilder = Callable[[pl.DataFrame, Any], Any]


@dataclass(frozen=True)
class Chart:
    name: str                      # URL-safe id: "commits-by-org"
    title: str
    page: str                      # page module name: "participation"
    metric: Metric
    figure: FigureBuilder | None   # None: shown as a table of the frame
    order: int = 100               # position on the page
    description: str = ""          # one sentence: what it shows and how it is computed
    empty_message: str = "No data for these filters."
    width: int = 12                # grid columns out of 12
    needs: tuple[str, ...] = ()    # warehouse tables its inputs come from (see NEEDS_SOURCES)
    section: str = ""              # tab of the page it sits in (pages with tabs; "" = the first tab)
    csv_note: str = ""             # what "Download CSV" holds when it is more than the plotted rows
    reads: tuple[str, ...] | None = None   # URL keys it depends on (None: every filter, page key and style)


@dataclass(frozen=True)
class Kpi:
    """One headline number on a page: ``column`` of the one-row frame ``metric`` returns.

    KPIs sharing a metric function are computed once per view.  ``format`` is a
    Python format spec (``",d"``, ``".0%"``, ``".1f"``); ``text_column`` (optional)
    names a column whose value is shown under the number (e.g. the top org's name).
    """

    name: str
    page: str
    label: str
    metric: Metric
    column: str
    format: str = ",d"
    order: int = 100
    description: str = ""
    text_column: str | None = None
    needs: tuple[str, ...] = ()    # warehouse tables its inputs come from (see NEEDS_SOURCES)
    reads: tuple[str, ...] | None = None   # URL keys it depends on (None: every filter and page key)


#: Input tables -> the sources that fill them.  A chart or KPI whose ``needs`` table is empty shows
#: "no data — configure a … source" instead of a 0 or 0% computed from nothing.
NEEDS_SOURCES = {
    "commits": "a git source",
    "changes": "a gerrit or github source",
    "review_votes": "a gerrit or github source",
    "bugs": "a launchpad or github_issues source",
    "coverage_reports": "a coverage source",
    "advisories": "an advisories source",
    "repo_checks": "a repo_checks source",
    "repo_content": "a git source (its content is read at the collected head)",
    "feature_matrix": "a feature_matrix source",
}


def missing_input(needs: tuple[str, ...], has_rows) -> str | None:
    """The "no data" sentence for the first needed table without rows (``has_rows(table)``), else None."""
    for table in needs:
        if not has_rows(table):
            return f"no data — configure {NEEDS_SOURCES.get(table, f'a source filling {table}')}"
    return None


CHARTS: dict[str, Chart] = {}
KPIS: dict[str, Kpi] = {}

#: Area modules that register charts; each imports this module and calls register().
AREA_MODULES = [
    "healthdash.dashboard.charts.participation",
    "healthdash.dashboard.charts.neutrality",
    "healthdash.dashboard.charts.quality",
    "healthdash.dashboard.charts.reviews",
    "healthdash.dashboard.charts.security",
    "healthdash.dashboard.charts.bugs",
    "healthdash.dashboard.charts.strategic",
    "healthdash.dashboard.charts.scorecard",
    "healthdash.dashboard.charts.attribution",
    "healthdash.dashboard.charts.commonality",
    "healthdash.dashboard.charts.consistency",
]


def register(chart: Chart) -> Chart:
    if chart.name in CHARTS and CHARTS[chart.name] != chart:
        raise ValueError(f"chart {chart.name!r} registered twice")
    CHARTS[chart.name] = chart
    return chart


def register_kpi(kpi: Kpi) -> Kpi:
    if kpi.name in KPIS and KPIS[kpi.name] != kpi:
        raise ValueError(f"KPI {kpi.name!r} registered twice")
    KPIS[kpi.name] = kpi
    return kpi


def load_all() -> dict[str, Chart]:
    for module in AREA_MODULES:
        importlib.import_module(module)
    return CHARTS


def for_page(page: str) -> list[Chart]:
    load_all()
    return sorted((c for c in CHARTS.values() if c.page == page), key=lambda c: (c.order, c.name))


def kpis_for_page(page: str) -> list[Kpi]:
    load_all()
    return sorted((k for k in KPIS.values() if k.page == page), key=lambda k: (k.order, k.name))
