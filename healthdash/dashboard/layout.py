"""Page skeletons: the app shell and the generic layout of an area page.

Sits under the page modules (which stay a few lines each).  The router calls
layouts on every navigation and filter change; inside that request an area
page is rendered on the server for the URL's filters
(:func:`healthdash.dashboard.views.page_views`: sections computed
concurrently and memoised), so the browser makes no request per chart it has
seen before.  Sections not ready in time, and every section outside a request,
are placeholders the callbacks in :mod:`healthdash.dashboard.callbacks` fill.  An area with nothing registered
yet shows an honest "arrives with ..." panel instead of empty boxes.
"""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlencode

from dash import dcc, html

from healthdash.dashboard import charts as registry
from healthdash.dashboard.components import chart_card, filter_bar, kpi_row, navbar, panel, present_exit
from healthdash.dashboard.context import current_context, embed_href, reads_of, section_pairs
from healthdash.dashboard.views import kpi_reads, page_views


def shell(choices: dict[str, list[str]]) -> html.Div:
    """Navbar, global filters, status banner and the page container.

    The container is filled by :mod:`healthdash.dashboard.router` when the path or the open
    tab changes; a filter change leaves it (and this shell) in place and redraws only the
    sections that read the changed keys.
    """
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        dcc.Store(id="page-route"), dcc.Store(id="chrome-query"), dcc.Store(id="page-title"),
        dcc.Store(id="filter-custom", data=[]),   # dropdowns whose options differ from the shell's
        html.Header([navbar(), filter_bar(choices)], className="chrome", id="chrome"),
        present_exit(),
        html.Div(id="filter-summary", className="filter-summary"),
        html.Div(id="app-status", className="app-status"),
        html.Div(id="app-error", className="app-error", role="alert"),
        html.Main(html.Div(id="page-content"), className="page"),
        html.Footer("healthdash · numbers from the warehouse; every chart exports its rows as CSV",
                    className="footer chrome"),
    ], id="app-shell", className="app-shell")


class Section(NamedTuple):
    """One tab of a long page: charts registered with ``section=key`` (unknown sections go to the first)."""

    key: str
    label: str
    blurb: str = ""


def _tab_href(page: str, query: dict[str, Any], key: str) -> str:
    kept = {k: v for k, v in query.items() if k != "tab"}
    if key:
        kept["tab"] = key
    encoded = urlencode(kept, doseq=True)
    return f"/{page}" + (f"?{encoded}" if encoded else "")


def query_link(label: Any, path: str, href: str, *, tab: str = "", slot: str = "", **kwargs) -> dcc.Link:
    """A link to ``path`` (and ``tab``) that carries the URL's filters: a clientside callback keeps
    its href in step with the URL (the page around it is not re-rendered for a filter change);
    ``slot`` tells apart two links to the same place."""
    return dcc.Link(label, href=href, id={"type": "query-link", "path": path, "tab": tab, "slot": slot}, **kwargs)


def chart_cards(charts: list, search: str | None, bodies: dict[str, Any]) -> list:
    """The cards of ``charts``: bodies rendered for ``search`` where given, else placeholders."""
    return [chart_card(c, bodies.get(c.name), embed_href(c.name, search), reads=reads_of(c),
                       query=None if search is None else section_pairs(search, reads_of(c))) for c in charts]


def kpi_section(page: str, search: str | None, cards: Any = None):
    """The KPI row of ``page`` for ``search`` (``cards`` rendered, else a placeholder)."""
    reads = kpi_reads(page)
    return kpi_row(page, cards, reads=reads, query=None if search is None else section_pairs(search, reads))


#: The tabs of each page that has them (filled as the pages lay themselves out).
PAGE_SECTIONS: dict[str, list[Section]] = {}


def _section_of(chart, sections: list[Section]) -> str:
    keys = [s.key for s in sections]
    return chart.section if chart.section in keys else keys[0]


def current_section(page: str, tab: str | None) -> str | None:
    """The open tab of ``page`` for the URL's ``tab`` value (None when the page has no tabs)."""
    sections = PAGE_SECTIONS.get(page)
    if not sections:
        return None
    return tab if tab in [s.key for s in sections] else sections[0].key


def charts_in_view(page: str, tab: str | None = None) -> list:
    """The charts a visitor sees on ``page`` with tab ``tab`` open (what "Download slides" puts in the deck)."""
    charts = registry.for_page(page)
    section = current_section(page, tab)
    if section is None:
        return charts
    return [c for c in charts if _section_of(c, PAGE_SECTIONS[page]) == section]


def slides_button(page: str) -> html.Div:
    """"Download slides": the deck of the charts in view, for the filters in the URL (a zip)."""
    return html.Div([
        html.Button("Download slides", id={"type": "deck-button", "page": page}, n_clicks=0,
                    className="btn btn-small btn-slides",
                    title="A zip: an offline slide deck (index.html, one chart per 16:9 slide) and each chart "
                          "as SVG, for the charts and filters in view"),
        dcc.Loading(dcc.Download(id={"type": "deck-download", "page": page}), type="dot", delay_show=300),
    ], className="page-actions")


def area_page(page: str, title: str, intro: str, arrives_with: str, *,
              sections: list[Section] | None = None, query: dict[str, Any] | None = None) -> html.Div:
    """Header, KPI cards and the registered charts of ``page`` (or a 'not yet' panel).

    With ``sections`` the charts are split into tabs (links carrying ``?tab=``, so a
    copied link opens the same tab); only the open tab's charts are laid out, so
    only they are computed.
    """
    charts = registry.for_page(page)
    kpis = registry.kpis_for_page(page)
    header = html.Div([html.Div([html.H1(title), html.P(intro, className="page-intro")]),
                       slides_button(page) if charts else None], className="page-head page-head-actions")
    if not charts and not kpis:
        return html.Div([header, panel(
            "Nothing to show here yet",
            f"No {title.lower()} metrics are registered in this installation yet: they arrive with "
            f"{arrives_with}. Once that area is collected, its charts appear here.", kind="empty")],
            className=f"page-{page}")
    tabs = blurb = None
    if sections:
        PAGE_SECTIONS[page] = list(sections)
        query = query or {}
        current = current_section(page, query.get("tab"))
        tabs = html.Nav([query_link(s.label, f"/{page}", _tab_href(page, query, s.key), tab=s.key or "",
                                    className="section-tab selected" if s.key == current else "section-tab")
                         for s in sections], className="section-tabs", role="tablist")
        section = next(s for s in sections if s.key == current)
        blurb = html.P(section.blurb, className="section-blurb") if section.blurb else None
        charts = charts_in_view(page, current)
    context, search = current_context(), search_of(query)
    cards, bodies = ({}, {}) if context is None or search is None else (
        page_views(context, page, search, charts=charts))   # not ready in time: its callback fills it
    grid = html.Div(chart_cards(charts, search, bodies), className="chart-grid")
    return html.Div([header, kpi_section(page, search, cards.get(page)) if kpis else None, tabs, blurb, grid],
                    className=f"page-{page}")


def search_of(query: dict | None) -> str | None:
    """The URL query string of a page layout's keyword arguments (None: not rendering a request)."""
    if query is None:
        return None
    text = urlencode({k: v for k, v in query.items() if v not in (None, "")}, doseq=True)
    return f"?{text}" if text else ""
