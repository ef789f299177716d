"""What every dashboard module below the pages shares: the app's context, the URL's filters,
which URL keys a section reads, and the error panel of a view.

Sits below :mod:`~healthdash.dashboard.views`, :mod:`~healthdash.dashboard.layout`,
:mod:`~healthdash.dashboard.slides` and :mod:`~healthdash.dashboard.callbacks` (it imports
none of them), so those import it instead of each other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import dash
from dash import html, no_update

from healthdash.dashboard.charts import FILTER_KEYS, STYLE_KEYS
from healthdash.dashboard.components import panel
from healthdash.dashboard.data import Warehouse, friendly
from healthdash.errors import FilterError, HealthdashError
from healthdash.metrics import Filters, consistency, parse_filters
from healthdash.settings import Settings

log = logging.getLogger(__name__)

#: Query keys kept in the URL besides the filters: presentation mode, the dark slide theme and
#: the Consistency page's matrix picker.
EXTRA_KEYS = (*STYLE_KEYS, *consistency.PAGE_KEYS)
#: What a chart reads unless it declares less: every filter, the page's own keys and the style.
CHART_READS = (*FILTER_KEYS, *consistency.PAGE_KEYS, *STYLE_KEYS)
#: What a KPI reads unless it declares less (a number looks the same in every theme).
KPI_READS = (*FILTER_KEYS, *consistency.PAGE_KEYS)


@dataclass
class DashboardContext:
    settings: Settings
    warehouse: Warehouse


def filters_from(search: str | None) -> Filters:
    """Filters of a URL query string (raises FilterError naming a bad value)."""
    return parse_filters(search or "", extra_keys=EXTRA_KEYS)


def reads_of(entry) -> tuple[str, ...]:
    """The URL keys a chart or KPI depends on: its declared ``reads``, else every key it could read."""
    declared = getattr(entry, "reads", None)
    if declared is not None:
        return tuple(declared)
    return CHART_READS if hasattr(entry, "figure") else KPI_READS


def section_pairs(search: str | None, reads) -> list[list[str]]:
    """The URL's ``[key, value]`` pairs in ``reads``, in URL order: while they stay the same, the
    section showing them is not redrawn (the browser compares the same pairs, see callbacks)."""
    wanted = set(reads)
    return [[key, value] for key, value in parse_qsl((search or "").lstrip("?"), keep_blank_values=True)
            if key in wanted]


def section_search(search: str | None, reads) -> str:
    """``search`` cut down to the keys in ``reads`` (what a section's view and memo key use)."""
    text = urlencode([tuple(pair) for pair in section_pairs(search, reads)])
    return f"?{text}" if text else ""


def error_view(err: Exception):
    """A friendly panel for a view that could not be built (bad filters: a one-line note)."""
    if isinstance(err, FilterError):  # the banner above the page already explains it
        return html.P("Not shown: the link's filters are invalid (see the message above).", className="note")
    if not isinstance(err, HealthdashError):
        log.exception("dashboard view failed", exc_info=err)
    title, message = friendly(err)
    return panel(title, message, kind="error" if not isinstance(err, HealthdashError) else "warn")


def download_or_panel(make):
    """A download callback's payload, or (when making it fails) a friendly panel and no download."""
    try:
        return make()
    except Exception as err:  # noqa: BLE001 - a panel, never a traceback
        dash.set_props("app-error", {"children": error_view(err)})
        return no_update


def embed_href(name: str, search: str | None) -> str:
    query = (search or "").lstrip("?")
    return f"/embed/{name}" + (f"?{query}" if query else "")


def current_context() -> DashboardContext | None:
    """The dashboard context of the app serving this request (None outside a request)."""
    from flask import current_app, has_app_context  # noqa: PLC0415

    return current_app.config.get("HEALTHDASH_CONTEXT") if has_app_context() else None
