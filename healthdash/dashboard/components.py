"""Reusable pieces of the dashboard layout: navbar, global filters, cards, panels.

Sits between the pages (thin layouts) and the callbacks in
:mod:`healthdash.dashboard.callbacks`.  Every chart on every page is a
:func:`chart_card` built from its registry entry, so "Download CSV", the SVG
button and the embed link work for any area that only calls
``register(Chart(...))``.  Component ids of shared pieces are pattern-matching
dicts (``{"type": "chart-body", "name": ...}``) so one callback serves them all.
"""

from __future__ import annotations

import re
from typing import Any, Iterable
from urllib.parse import urlsplit

import dash_ag_grid as dag
import polars as pl
from dash import dcc, html

from healthdash.dashboard.charts import Chart, Kpi
from healthdash.labels import KIND_LABELS, label, value_label
from healthdash.metrics import KINDS
from healthdash.metrics.filters import MAX_NAME_CHARS

#: Navigation: (page module name, label, path).  Pages not built yet still get a tab.
NAV_PAGES = [
    ("overview", "Overview", "/"),
    ("participation", "Participation", "/participation"),
    ("strategic", "Strategic", "/strategic"),
    ("quality", "Quality", "/quality"),
    ("security", "Security", "/security"),
    ("commonality", "Commonality", "/commonality"),
    ("consistency", "Consistency", "/consistency"),
    ("data", "Data", "/data"),
]
#: Filter controls: URL key -> component id.
FILTER_IDS = {
    "team": "filter-team", "project": "filter-project", "repo": "filter-repo",
    "org": "filter-org", "kind": "filter-kind", "cycle": "filter-cycle",
}


def navbar() -> html.Nav:
    links = [
        dcc.Link(label, href=path, className="nav-link", id=f"nav-{name}")
        for name, label, path in NAV_PAGES
    ]
    brand = dcc.Link([html.Span("●", className="brand-dot"), "healthdash"], href="/", className="brand")
    present = dcc.Link("Presentation mode", href="/?present=1", id="present-enter", className="nav-present",
                       title="Large type, no menus: for slides and screen sharing")
    return html.Nav([brand, html.Div(links, className="nav-links"), present], className="navbar", id="navbar")


def present_exit() -> dcc.Link:
    """The only control shown in presentation mode: back to the normal view."""
    return dcc.Link("× Exit presentation", href="/", id="present-exit", className="present-exit")


def _dropdown(key: str, placeholder: str, options: list[dict[str, str]], *, multi: bool = True) -> html.Div:
    return html.Div([
        html.Label(placeholder, htmlFor=FILTER_IDS[key], className="filter-label"),
        dcc.Dropdown(id=FILTER_IDS[key], options=options, multi=multi, placeholder="All",
                     clearable=True, className="filter-dropdown", search_order="original"),
    ], className=f"filter filter-{key}")


#: Longest label a filter dropdown shows (the value stays whole).
MAX_OPTION_CHARS = 80


def option_list(values: Iterable[str]) -> list[dict[str, str]]:
    """Dropdown options for names; long names are shortened on screen with an ellipsis.

    Names longer than a filter takes (:data:`healthdash.metrics.filters.MAX_NAME_CHARS`) are
    not offered: they could not be chosen, and one 10 kB option makes the browser hang every page.
    """
    return [{"label": v if len(v) <= MAX_OPTION_CHARS else v[:MAX_OPTION_CHARS - 1] + "…", "value": v}
            for v in values if len(v) <= MAX_NAME_CHARS]


#: Most choices a filter dropdown holds before anything is typed; typing asks the server for the
#: matches (``search_value``).  A dropdown indexes every option it holds for its search as the
#: page loads: the largest community's 2,000 repositories, 400 projects and 300 organisations
#: cost 100-300 ms of every first page view (benchmarks/bench_pages.py).
MAX_LISTED = 100


def listed(values: list[str], chosen: Iterable[str] = (), search: str | None = None) -> list[str]:
    """The first :data:`MAX_LISTED` of ``values`` containing ``search`` (any case), then every
    ``chosen`` value they lack: a dropdown clears a chosen value that is not among its options."""
    needle = (search or "").strip().casefold()
    out = [v for v in values if needle in v.casefold()][:MAX_LISTED] if needle else list(values[:MAX_LISTED])
    for value in chosen:
        if value not in out:
            out.append(value)
    return out


def filter_bar(choices: dict[str, list[str]]) -> html.Div:
    """The global filters; ``choices`` maps team/project/repo/org/cycle to their values."""
    kinds = [{"label": KIND_LABELS.get(k, k), "value": k} for k in KINDS]
    return html.Div([
        _dropdown("team", "Team", option_list(listed(choices.get("team", [])))),
        _dropdown("project", "Project", option_list(listed(choices.get("project", [])))),
        _dropdown("repo", "Repository", option_list(listed(choices.get("repo", [])))),
        _dropdown("org", "Organisation", option_list(listed(choices.get("org", [])))),
        _dropdown("kind", "Contribution", kinds),
        _dropdown("cycle", "Release cycle", option_list(listed(choices.get("cycle", []))), multi=False),
        html.Div([
            html.Label("Dates", htmlFor="filter-dates", className="filter-label"),
            dcc.DatePickerRange(id="filter-dates", display_format="YYYY-MM-DD", clearable=True,
                                start_date_placeholder_text="From", end_date_placeholder_text="To",
                                className="filter-dates"),
        ], className="filter filter-dates-wrap"),
        html.Div([
            html.Label("Bots", className="filter-label"),
            dcc.Checklist(id="filter-bots", options=[{"label": " include", "value": "1"}], value=[],
                          className="filter-bots"),
        ], className="filter filter-bots-wrap"),
        html.Div(id="filter-error", className="filter-error", role="alert"),
    ], className="filter-bar", id="filter-bar")


def panel(title: str, message: Any, *, kind: str = "info", children: Any = None) -> html.Div:
    """A friendly message box (``kind``: info, warn, error, empty)."""
    body = [html.H3(title, className="panel-title"), html.P(message, className="panel-message")]
    if children is not None:
        body.append(children)
    return html.Div(body, className=f"panel panel-{kind}", role="status")


def section_store(kind: str, key: str, value: str, reads: Iterable[str], query: list | None) -> dcc.Store:
    """The URL keys a section reads and their values it shows (``[[key, value], ...]``).

    A clientside callback compares them with the URL after every change and writes the new
    pairs only when they differ, which is what makes the section's server callback run: a
    filter the section does not read costs it no request and no redraw.
    """
    return dcc.Store(id={"type": kind, key: value}, data={"reads": list(reads), "query": query})


def chart_card(chart: Chart, body: Any = None, embed: str | None = None, *,
               reads: Iterable[str] = (), query: list | None = None) -> html.Div:
    """Card for one registered chart: title, body, its definition as text, CSV / SVG / embed actions.

    Without ``body`` the body holds a placeholder its callback fills; with it the card arrives
    rendered (the page was rendered on the server for its URL) at no extra round trip.  Either
    way ``query`` (the values of the URL keys in ``reads`` it was made for) lets a later filter
    change redraw it only when one of those values changed.
    """
    placeholder = body is None
    csv_note = chart.csv_note or "Download exactly the rows shown, as CSV (UTF-8)"
    actions = [html.Button("Download CSV", id={"type": "chart-csv", "name": chart.name},
                           className="btn btn-small", n_clicks=0, title=csv_note)]
    if chart.figure is not None:
        actions.append(html.Button("SVG", id={"type": "chart-svg", "name": chart.name}, n_clicks=0,
                                   className="btn btn-small", title="Download the chart as SVG (1600×900)"))
    actions.append(html.A("Embed", id={"type": "chart-embed", "name": chart.name},
                          href=embed or f"/embed/{chart.name}", target="_blank", className="btn btn-small btn-link",
                          title="Open this chart alone, for iframes and slides"))
    head = html.Div([html.H3(chart.title, className="card-title"), html.Div(actions, className="card-actions")],
                    className="card-head")
    if placeholder:
        body = html.Div(id={"type": "chart-body", "name": chart.name}, className="chart-fill")
    body = dcc.Loading(html.Div(body, id={"type": "chart-view", "name": chart.name}, className="chart-body"),
                       type="dot", color="#2F5D8A", delay_show=150)
    about = html.P(chart.description, className="chart-description") if chart.description else None
    store = section_store("chart-query", "name", chart.name, reads, query)
    return html.Div([head, body, about, store, dcc.Download(id={"type": "chart-download", "name": chart.name})],
                    className=f"card chart-card span-{max(1, min(12, chart.width))}",
                    id=f"card-{chart.name}")


def chart_caption(summary: str, data_end) -> html.Div:
    """The context a chart carries onto a slide: filters and period, and "data to <date> · healthdash".

    Shown on embeds and in presentation mode (CSS), where the filter bar is not.
    """
    source = f"data to {data_end:%-d %b %Y} · healthdash" if data_end else "healthdash"
    return html.Div([html.Span(summary, className="chart-filters"), html.Span(source, className="chart-source")],
                    className="chart-caption")


def chart_graph(chart: Chart, figure: Any, config: dict[str, Any]) -> dcc.Graph:
    tall = bool(getattr(getattr(figure, "layout", None), "height", None))  # the figure sized itself
    return dcc.Graph(figure=figure, config=config, className="chart-graph tall" if tall else "chart-graph",
                     id={"type": "chart-graph", "name": chart.name})


#: A cell value that is a web link (only http(s) links become clickable).
_URL = re.compile(r"^https?://[^\s<>\"]+$")
_CVE = re.compile(r"\bCVE-\d{4}-\d{4,}\b")
#: Text columns that need room: a minimum width so titles do not wrap into a tall column.
_SHORT_TEXT = 22
_WIDE_PX = {"title": 240, "margin": 240, "description": 240}


def _link_label(url: str) -> str:
    """A short label for a link: its last path segment (``+bug/2100403`` -> ``2100403``), else its host."""
    parts = urlsplit(url)
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    label = (segment or parts.netloc).replace("[", "(").replace("]", ")")
    return f"{label} ↗"


def _markdown_link(url: str | None) -> str:
    if not url:
        return ""
    return f"[{_link_label(url)}]({_link_target(url)})"


def _link_target(url: str) -> str:
    """A URL as a markdown link target: brackets and spaces escaped so the link cannot end early."""
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def _cve_links(text: str | None) -> str:
    """CVE ids as links to their public record (CVE ids are public by definition)."""
    return _CVE.sub(lambda m: f"[{m.group(0)}](https://www.cve.org/CVERecord?id={m.group(0)})", text or "")


def _number_format(name: str, dtype) -> str:
    """d3 format of a numeric column's cells (the CSV keeps the values)."""
    if dtype.is_integer():
        return ","
    lowered = name.lower()
    if "share" in lowered or "coverage" in lowered or lowered in ("retention", "ratio", "adoption", "conformance",
                                                                   "completeness"):
        return ".1%"
    if "days" in lowered or "hours" in lowered or lowered.endswith("_age"):
        return ",.0f"
    return ",.2~f"


def _link_columns(df) -> list[str]:
    """String columns every non-empty cell of which is a web link."""
    found = []
    for name, dtype in df.schema.items():
        if dtype != pl.String:
            continue
        values = [v for v in df[name].to_list() if v]
        if values and all(_URL.match(v) for v in values):
            found.append(name)
    return found


def _min_width(header: str, values: pl.Series, *, wrap: bool = False, link: bool = False) -> int:
    """Pixels a column needs so nothing is cut: its longest header word (headers wrap) and its
    longest cell (numbers roughly as formatted); wrapping columns get room for a few words.
    Columns never shrink below it, so a narrow card scrolls sideways instead of cutting."""
    longest_word = max((len(w) for w in header.split()), default=4)
    dtype = values.dtype
    if wrap:
        chars = 20
    elif link:
        chars = 12
    elif dtype.is_numeric():
        top = values.abs().max() if values.len() > values.null_count() else 0
        chars = len(f"{int(top or 0):,}") + (3 if dtype.is_float() else 0)
    elif dtype == pl.String or dtype.is_temporal():
        chars = int(values.cast(pl.String).str.len_chars().max() or 0)
    else:
        chars = 16
    return int(min(320, 8 * max(longest_word, chars) + 36))


def _page_links(df) -> dict[str, str]:
    """{column: its ``<column>_page`` sibling} for in-app drill-down links (paths starting with /)."""
    found = {}
    for name in df.columns:
        page = f"{name}_page"
        if page in df.columns and df.schema[page] == pl.String and df.schema[name] == pl.String:
            values = [v for v in df[page].to_list() if v]
            if all(v.startswith("/") and not v.startswith("//") for v in values):
                found[name] = page
    return found


def _markdown_text(text: str | None) -> str:
    """``text`` as literal markdown (no emphasis, links or HTML made from data)."""
    return re.sub(r"([\\`*_{}\[\]()<>#+!|~-])", r"\\\1", text or "")


def _page_link(label: str | None, path: str | None) -> str:
    if not path:
        return _markdown_text(label)
    return f"[{_markdown_text(label)}]({_link_target(path)})"


def table_rows(df) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(column definitions, rows) for a grid of ``df``: words for headers and codes, numbers formatted,
    links clickable.

    Only cells that are http(s) links become links (as markdown, so no HTML from the
    data is ever rendered), and a column with an in-app ``<column>_page`` sibling shows its
    names as links to those pages (the sibling itself is not shown); the frame itself is
    unchanged, so its CSV stays raw.
    """
    pages = _page_links(df)
    if pages:
        df = df.with_columns(*[pl.struct(name, page).map_elements(
            lambda row, n=name, p=page: _page_link(row[n], row[p]), return_dtype=pl.String).alias(name)
            for name, page in pages.items()]).drop(list(pages.values()))
    links = _link_columns(df)
    df = _clip_long_text(df, keep=links)
    cves = [c for c in df.columns if c.lower() in ("cve", "cves", "cve_ids") and df.schema[c] == pl.String]
    coded = [c for c in df.columns if c in ("kind", "verdict") and df.schema[c] == pl.String]
    if links or cves or coded:
        df = df.with_columns(*[pl.col(c).map_elements(_markdown_link, return_dtype=pl.String) for c in links],
                             *[pl.col(c).map_elements(_cve_links, return_dtype=pl.String) for c in cves],
                             *[pl.col(c).map_elements(lambda v, c=c: value_label(c, v), return_dtype=pl.String)
                               for c in coded])
    short = {c for c, dtype in df.schema.items()  # ids, dates as text, statuses: never broken over lines
             if dtype == pl.String and df.height and (df[c].str.len_chars().max() or 0) <= _SHORT_TEXT}
    columns = []
    for name, dtype in df.schema.items():
        column: dict[str, Any] = {"field": name, "headerName": label(name), "headerTooltip": name,
                                  "minWidth": _min_width(label(name), df[name], link=name in links or name in cves or name in pages,
                                                         wrap=dtype == pl.String and name not in short)}
        if dtype.is_numeric():
            column.update(type="rightAligned", format=_number_format(name, dtype), valueFormatter={
                "function": f"params.value == null ? '' : d3.format('{_number_format(name, dtype)}')(params.value)"})
        elif name in links or name in cves:
            column.update(cellRenderer="markdown", cellRendererParams={"linkTarget": "_blank"})
        elif name in pages:
            column.update(cellRenderer="markdown", cellRendererParams={"linkTarget": "_self"})
        elif dtype == pl.String and name not in short:
            column.update(wrapText=True, autoHeight=True)
        columns.append(column)
    rows = df.with_columns(pl.col(c).cast(pl.String) for c, dtype in df.schema.items()
                           if dtype.is_temporal()).to_dicts()
    return columns, rows


#: Longest text a table cell shows; longer values (a 10 kB "name") end in an ellipsis on screen,
#: because one unbroken 10 kB cell makes the browser's table layout hang.  CSV downloads keep them whole.
MAX_CELL_CHARS = 300


def _clip_long_text(df, keep: list[str]):
    long = [c for c, dtype in df.schema.items() if dtype == pl.String and c not in keep
            and df.height and (df[c].str.len_chars().max() or 0) > MAX_CELL_CHARS]
    return df.with_columns(*[
        pl.when(pl.col(c).str.len_chars() > MAX_CELL_CHARS)
        .then(pl.col(c).str.slice(0, MAX_CELL_CHARS - 1) + "…").otherwise(pl.col(c)).alias(c) for c in long])


def links_of(columns: list[dict[str, Any]]) -> set[str]:
    return {c["field"] for c in columns if c.get("cellRenderer") == "markdown"}


#: Presentation type (24 px) over table type (14 px): how much wider columns must be on a slide.
PRESENT_SCALE = 24 / 14


def table_slot(name: str, search: str | None) -> html.Div:
    """A chart's table, drawn when it scrolls near: its place holds a trigger that
    assets/lazy-tables.js clicks, and the answer replaces the trigger with the grid.

    The grid's scripts (~2 MB) and drawing were the largest part of a page's first view when
    the table sat below the screen; a table on the screen comes one request later.
    """
    key = {"name": name, "search": search or ""}
    return html.Div(html.Div("Loading the table…", id={"type": "table-wait", **key}, n_clicks=0,
                             className="table-wait"), id={"type": "table-slot", **key}, className="table-slot")


def frame_table(df, *, table_id: str | None = None, page_size: int = 15,
                error_column: str | None = None, present: bool = False) -> dag.AgGrid:
    """A sortable grid of a frame (charts with ``figure=None``, the Data page).

    Headers and coded values in words, numbers right-aligned and formatted
    (thousands separators, shares as percentages, days as whole days), link
    columns clickable; columns fit the card and the grid scrolls sideways inside
    it when they cannot.  With ``error_column`` rows whose cell is not empty are
    highlighted.
    """
    columns, rows = table_rows(df)
    if present:  # large type needs proportionally wider columns
        columns = [{**c, "minWidth": int(c["minWidth"] * PRESENT_SCALE)} for c in columns]
    extra: dict[str, Any] = {"id": table_id} if table_id else {}
    if error_column:
        extra["getRowStyle"] = {"styleConditions": [{
            "condition": f"params.data && params.data[{error_column!r}]",
            "style": {"backgroundColor": "#FDECEA", "color": "#8A1C1C"}}]}
    paged = len(rows) > page_size
    return dag.AgGrid(
        rowData=rows, columnDefs=[{k: v for k, v in c.items() if k != "format"} for c in columns],
        defaultColDef={"sortable": True, "resizable": True, "filter": False, "suppressMovable": True,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        columnSize="responsiveSizeToFit",
        dashGridOptions={"domLayout": "autoHeight", "pagination": paged, "paginationPageSize": page_size,
                         "paginationPageSizeSelector": False, "suppressFieldDotNotation": True,
                         "enableCellTextSelection": True, "ensureDomOrder": True, "tooltipShowDelay": 300},
        className="frame-table", style={"width": "100%"}, **extra,
    )


def kpi_row(page: str, cards: Any = None, *, reads: Iterable[str] = (), query: list | None = None) -> html.Div:
    """The page's KPI cards: ``cards`` rendered on the server, else a placeholder the KPI callback
    fills; redrawn only when a URL key in ``reads`` changes (see :func:`section_store`)."""
    if cards is None:
        cards = html.Div(id={"type": "kpi-row", "page": page}, className="kpi-row kpi-fill")
    return html.Div([dcc.Loading(html.Div(cards, id={"type": "kpi-view", "page": page}, className="kpi-row"),
                                 type="dot", color="#2F5D8A", delay_show=150),
                     section_store("kpi-query", "page", page, reads, query)], className="kpi-section")


def kpi_card(kpi: Kpi, value: Any, note: str | None = None) -> html.Div:
    text = "–" if value is None else format(value, kpi.format)
    children = [html.Div(text, className="kpi-value"), html.Div(kpi.label, className="kpi-label")]
    if note:
        children.append(html.Div(note, className="kpi-note"))
    return html.Div(children, className="kpi-card", title=kpi.description, id=f"kpi-{kpi.name}")
