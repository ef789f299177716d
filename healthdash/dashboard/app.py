"""``create_app``: the Dash application over one read-only warehouse.

Sits at the top of the flow (settings -> warehouse -> metrics -> figures ->
pages).  It builds a multi-page Dash app whose pages live in
``healthdash/dashboard/pages`` and whose stylesheets, palette and deck style
live in the top-level ``assets/`` folder next to ``app.py`` (Dash's
convention); an installed wheel ships the same folder as data files and
:func:`healthdash.assets.assets_dir` finds it in either place.  Callbacks
are registered here, once per app, over the chart registry; errors a
callback did not handle land in a friendly panel (``on_error``).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import dash
from dash.exceptions import DependencyException

from healthdash.assets import assets_dir
from healthdash.dashboard.callbacks import choices, register_callbacks
from healthdash.dashboard.context import DashboardContext
from healthdash.dashboard.components import panel
from healthdash.dashboard.data import Warehouse, friendly
from healthdash.dashboard.figures import assign_org_colors
from healthdash.dashboard.layout import shell
from healthdash.dashboard.response_cache import install as install_response_cache
from healthdash.errors import ConfigError, HealthdashError
from healthdash.settings import Settings, load_settings

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
PAGES_DIR = PACKAGE_DIR / "pages"
#: One CSP source expression: a keyword, ``*``, or a scheme/host (no spaces, quotes or semicolons).
_FRAME_SOURCE = re.compile(r"^(?:\*|'self'|'none'|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*://)?[\w.*-]+(?::\d+|:\*)?(?:/[\w./-]*)?)$",
                           re.IGNORECASE)


def _on_error(err: Exception) -> None:
    """Last resort for a callback error: log it, show a panel, leave outputs unchanged."""
    if not isinstance(err, HealthdashError):
        log.exception("dashboard callback failed", exc_info=err)
    title, message = friendly(err)
    dash.set_props("app-error", {"children": panel(title, message, kind="error")})


def _with_org_colors(offered: dict[str, list[str]]) -> dict[str, list[str]]:
    """Give the warehouse's organisations their colours (same in every chart) as the page loads."""
    assign_org_colors(offered.get("org", []))
    return offered


def create_app(settings: Settings | None = None, *, warehouse: str | os.PathLike | None = None) -> dash.Dash:
    """The dashboard for ``settings`` (default: discovered config) reading ``warehouse``."""
    settings = settings or load_settings()
    context = DashboardContext(settings, Warehouse(warehouse or settings.warehouse))
    app = dash.Dash(
        "healthdash.dashboard",
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        assets_folder=str(assets_dir()),
        # not <script>s of the page: the slide deck's stylesheet, and plotly.js (plotly-loader.js fetches it)
        assets_ignore=r"deck\.css|plotly-cartesian\.min\.js",
        suppress_callback_exceptions=True,
        title="healthdash",
        update_title=None,
        on_error=_on_error,
        description="Project-health metrics for open-source communities",
    )
    app.layout = lambda: shell(_with_org_colors(choices(context)))
    assign_org_colors(choices(context).get("org", []))
    register_callbacks(app, context)
    app.server.config["HEALTHDASH_CONTEXT"] = context
    install_response_cache(app.server, context.warehouse)
    harden(app.server, frame_ancestors(settings))
    return app


def frame_ancestors(settings: Settings) -> str:
    """The CSP ``frame-ancestors`` sources from ``[security] frame_ancestors`` (default ``*``:
    embed URLs work in any page or slide tool; ``["'self'"]`` keeps the dashboard in its own site)."""
    sources = settings.section("security").get("frame_ancestors", ["*"])
    for source in sources:
        if not _FRAME_SOURCE.match(str(source)):
            raise ConfigError(f"{settings.path or 'settings'}: [security] frame_ancestors entry {str(source)[:60]!r} "
                              "is not a CSP source (use '*', \"'self'\", \"'none'\" or https://host.example)")
    return " ".join(str(s) for s in sources) or "'none'"


def harden(server, ancestors: str) -> None:
    """Security headers on every response, and 404 (not 500) for unknown component files."""
    policy = f"frame-ancestors {ancestors}; object-src 'none'; base-uri 'self'"

    @server.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", policy)
        return response

    server.register_error_handler(DependencyException, lambda _err: ("Not found", 404, {"Content-Type": "text/plain"}))
