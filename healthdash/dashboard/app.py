"""``create_app``: the Dash application over one read-only warehouse.

Sits at the top of the flow (settings -> warehouse -> metrics -> figures ->
pages).  It builds a multi-page Dash app whose pages live in
``healthdash/dashboard/pages`` and whose stylesheet ships inside the package
(``healthdash/dashboard/assets``) so a checkout and an installed wheel look the
same.  Callbacks are registered here, once per app, over the chart registry;
errors a callback did not handle land in a friendly panel (``on_error``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import dash

from healthdash.dashboard.callbacks import DashboardContext, choices, register_callbacks
from healthdash.dashboard.components import panel
from healthdash.dashboard.data import Warehouse, friendly
from healthdash.dashboard.layout import shell
from healthdash.errors import HealthdashError
from healthdash.settings import Settings, load_settings

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
PAGES_DIR = PACKAGE_DIR / "pages"
ASSETS_DIR = PACKAGE_DIR / "assets"


def _on_error(err: Exception) -> None:
    """Last resort for a callback error: log it, show a panel, leave outputs unchanged."""
    if not isinstance(err, HealthdashError):
        log.exception("dashboard callback failed", exc_info=err)
    title, message = friendly(err)
    dash.set_props("app-error", {"children": panel(title, message, kind="error")})


def create_app(settings: Settings | None = None, *, warehouse: str | os.PathLike | None = None) -> dash.Dash:
    """The dashboard for ``settings`` (default: discovered config) reading ``warehouse``."""
    settings = settings or load_settings()
    context = DashboardContext(settings, Warehouse(warehouse or settings.warehouse))
    app = dash.Dash(
        "healthdash.dashboard",
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        assets_folder=str(ASSETS_DIR),
        suppress_callback_exceptions=True,
        title="healthdash",
        update_title=None,
        on_error=_on_error,
        description="Project-health metrics for open-source communities",
    )
    app.layout = lambda: shell(choices(context))
    register_callbacks(app, context)
    app.server.config["HEALTHDASH_CONTEXT"] = context
    return app
