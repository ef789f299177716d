"""The "Download slides" button: the offline deck of the charts in view, as a zip.

Sits under :mod:`healthdash.dashboard.callbacks` (one callback, registered
from there) and calls :mod:`healthdash.deck`, the same code as ``healthdash
export slides``: the page's charts (the open tab's, on pages with tabs) for the
filters in the URL, each on a 16:9 slide, plus their SVGs.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import dash
from dash import MATCH, Input, Output, State, dcc, no_update

from healthdash.dashboard import charts as registry
from healthdash.dashboard.context import download_or_panel, filters_from
from healthdash.dashboard.layout import charts_in_view
from healthdash.deck import deck_zip


def slides_download(context, page: str, search: str | None) -> dict:
    """``dcc.Download`` payload: the deck zip of ``page`` as the URL shows it."""
    filters = filters_from(search)
    tab = (parse_qs((search or "").lstrip("?")).get("tab") or [None])[0]
    names = [c.name for c in charts_in_view(page, tab) if c.figure is not None]
    with context.warehouse.cursor() as cur:
        name, data = deck_zip(cur, registry.load_all(), names, filters)
    return dcc.send_bytes(data, name, type="application/zip")


def register_slides_callback(app: dash.Dash, context) -> None:
    @app.callback(Output({"type": "deck-download", "page": MATCH}, "data"),
                  Input({"type": "deck-button", "page": MATCH}, "n_clicks"), State("url", "search"),
                  prevent_initial_call=True)
    def _slides(n_clicks, search):
        if not n_clicks:
            return no_update
        page = dash.ctx.triggered_id["page"]
        return download_or_panel(lambda: slides_download(context, page, search))
