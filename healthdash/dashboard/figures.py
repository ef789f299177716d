"""Figures: the one house style and the pure ``(df, filters) -> go.Figure`` builders.

Sits between the metrics (polars frames) and the dashboard pages: every chart
the dashboard, an embed or an export shows is built here, so colours, fonts and
empty states look the same everywhere.  No ``dash`` import: exports and tests
use these builders without an app.

* Organisations keep one colour across every chart and page: each name hashes
  to a slot of the palette in ``assets/org-palette.json``; the organisations the
  warehouse knows are assigned once (:func:`assign_org_colors`, by name, never
  by rank).  ``Others``, ``Independent`` and ``Unknown`` are fixed greys.
* Presentation mode (``?present=1``, i.e. ``filters.extra["present"]``) means
  large type, no title clutter and a toolbar that exports slide-sized images;
  ``?theme=dark`` recolours a finished figure for dark slides (:func:`apply_theme`).
* Partial first / last periods are marked in :mod:`healthdash.dashboard.periods`.
* Builders for common shapes are made by factories (:func:`area_over_time`,
  :func:`line_over_time`, :func:`bar_top`) so an area registers a chart with
  ``figure=area_over_time(x="month", y="commits", series="org")``.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Iterable, Mapping

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from healthdash.assets import palette
from healthdash.dashboard.margins import text_width

#: The organisation palette lives in ``assets/org-palette.json`` (served with the page, read here):
#: well-separated colours, and fixed greys for Others / Independent / Unknown.
PALETTE = tuple(palette()["colors"])
OTHERS = "Others"
INDEPENDENT = "Independent"
UNKNOWN = "Unknown"
#: Fixed colours for the categories that are not organisations.
FIXED_COLORS = dict(palette()["fixed"])
#: Named colours for status-like values (scorecards, checks, matrices).
COLORS = {
    "primary": "#2F5D8A", "text": "#1F2933", "muted": "#6B7785", "grid": "#E6E9EE",
    "background": "#FFFFFF", "good": "#2E8540", "warn": "#E0A100", "bad": "#C62828",
    "neutral": "#9AA5B1", **{k.lower(): v for k, v in FIXED_COLORS.items()},
}
#: Dark slide templates (``?theme=dark``): the same roles, dark ground.
DARK = {"background": "#0F172A", "text": "#E5E7EB", "muted": "#9CA3AF", "grid": "#334155"}
FONT_FAMILY = "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
#: Image export size: a 16:9 slide.
EXPORT_WIDTH, EXPORT_HEIGHT = 1600, 900

Builder = Callable[[pl.DataFrame, Any], go.Figure]


# --------------------------------------------------------------------------- colours

def _slot(name: str) -> int:
    digest = hashlib.md5(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % len(PALETTE)


#: Colours given to the organisations the warehouse knows (:func:`assign_org_colors`).
_ASSIGNED: dict[str, str] = {}


def assign_org_colors(names: Iterable[str]) -> dict[str, str]:
    """Give each known organisation one colour for every chart and page.

    Each name takes the slot its hash picks; when an earlier name (alphabetical
    order) has it, the next free slot.  Depends on names only, never on ranks or
    on which series a figure happens to hold, so "Acme" is the same blue in
    every chart; two organisations share a colour only past the palette's size.
    """
    assigned: dict[str, str] = {}
    used: set[int] = set()
    for name in sorted({str(n) for n in names if n} - set(FIXED_COLORS)):
        slot = _slot(name)
        for step in range(len(PALETTE)):
            candidate = (slot + step) % len(PALETTE)
            if candidate not in used:
                break
        else:
            candidate = slot
        used.add(candidate)
        assigned[name] = PALETTE[candidate]
    _ASSIGNED.clear()
    _ASSIGNED.update(assigned)
    return assigned


def org_color(name: str) -> str:
    """The colour of one organisation (the same in every chart; fixed greys for the non-organisations)."""
    return FIXED_COLORS.get(name) or _ASSIGNED.get(name) or PALETTE[_slot(name)]


def color_map(names: Iterable[str]) -> dict[str, str]:
    """Colours for the series of one figure: each name's own colour (:func:`org_color`)."""
    return {name: org_color(name) for name in names}


# --------------------------------------------------------------------------- style

def is_present(filters: Any) -> bool:
    """True when the view asks for presentation mode (``?present=1``)."""
    extra: Mapping[str, str] = getattr(filters, "extra", None) or {}
    return str(extra.get("present", "")).lower() in ("1", "true", "yes")


def is_dark(filters: Any) -> bool:
    """True when the view asks for the dark slide theme (``?theme=dark``)."""
    extra: Mapping[str, str] = getattr(filters, "extra", None) or {}
    return str(extra.get("theme", "")).lower() == "dark"


def _darken(color: Any) -> Any:
    light = {COLORS["background"].lower(): DARK["background"], COLORS["text"].lower(): DARK["text"],
             COLORS["muted"].lower(): DARK["muted"], COLORS["grid"].lower(): DARK["grid"]}
    return light.get(color.lower(), color) if isinstance(color, str) else color


def apply_theme(fig: go.Figure, *, dark: bool) -> go.Figure:
    """Recolour a finished figure for a dark slide template (no-op for the light theme).

    Run after the builders and the in-progress marks: the white gaps, notes and
    table fills they drew in the light colours move to their dark counterparts.
    """
    if not dark:
        return fig
    fig.update_layout(template="plotly_dark", paper_bgcolor=DARK["background"], plot_bgcolor=DARK["background"],
                      font_color=DARK["text"], legend_font_color=DARK["text"])
    fig.update_xaxes(gridcolor=DARK["grid"], zerolinecolor=DARK["grid"], linecolor=DARK["grid"])
    fig.update_yaxes(gridcolor=DARK["grid"], zerolinecolor=DARK["grid"], linecolor=DARK["grid"])
    for trace in fig.data:
        if trace.type == "table":
            trace.header.fill.color = DARK["grid"]
            trace.cells.fill.color = DARK["background"]
            continue
        for part in ("line", "marker"):
            holder = getattr(trace, part, None)
            if holder is not None and getattr(holder, "color", None) is not None:
                holder.color = _darken(holder.color) if isinstance(holder.color, str) else holder.color
            if part == "marker" and holder is not None and getattr(holder, "line", None) is not None:
                holder.line.color = _darken(holder.line.color)
        if getattr(trace, "fillcolor", None):
            trace.fillcolor = _darken(trace.fillcolor)
    for shape in fig.layout.shapes:
        shape.fillcolor = _darken(shape.fillcolor)
    for note in fig.layout.annotations:
        note.font.color = _darken(note.font.color) if note.font.color else DARK["text"]
    return fig

def _house_template() -> go.layout.Template:
    """The one house template: plotly_white's look for the traces and axes we draw, nothing else.

    Registered once as the default template, so every ``go.Figure()`` starts from it.  The full
    ``plotly_white`` template (colour scales, 3-D scenes, maps, polar axes ...) was copied
    into and serialised with every figure: ~70% of a small figure's build time and most of
    its JSON.  This one holds only what bars, lines and heatmaps here use, and every style
    that does not depend on presentation mode (sizes are set by :func:`apply_house_style`).
    """
    axis = {"gridcolor": COLORS["grid"], "linecolor": COLORS["grid"], "zerolinecolor": COLORS["grid"],
            "zerolinewidth": 2, "ticks": "", "title": {"standoff": 15}, "automargin": True}
    return go.layout.Template(
        layout={"font": {"family": FONT_FAMILY, "color": COLORS["text"]}, "colorway": list(PALETTE),
                "paper_bgcolor": COLORS["background"], "plot_bgcolor": COLORS["background"],
                "hovermode": "closest", "hoverlabel": {"align": "left", "font": {"family": FONT_FAMILY}},
                "title": {"x": 0.05}, "separators": ".,",
                "legend": {"orientation": "v", "yanchor": "top", "y": 1, "xanchor": "left", "x": 1.01,
                           "bgcolor": "rgba(0,0,0,0)"},
                "xaxis": axis, "yaxis": axis},
        data={"bar": [go.Bar(marker={"line": {"color": COLORS["background"], "width": 0.5}})]})


HOUSE_TEMPLATE = "healthdash"
pio.templates[HOUSE_TEMPLATE] = _house_template()
pio.templates.default = HOUSE_TEMPLATE


def apply_house_style(fig: go.Figure, *, present: bool = False) -> go.Figure:
    """Fonts, margins, grid and legend shared by every chart; large in presentation mode.

    The figure already carries the house template (the default template); the sizes that
    depend on presentation mode are merged into its layout as plain dicts and the layout is
    set once, unchecked (these are the house's own values): plotly's update machinery walks
    and checks every key path (~15-40 ms a chart on this machine, for every chart).
    """
    base = 22 if present else 13
    axis = {"title": {"font": {"size": base}}, "tickfont": {"size": base - 1}}
    if present:   # presentation mode restates the house colours over whatever the builder set
        axis.update(gridcolor=COLORS["grid"], zerolinecolor=COLORS["grid"], linecolor=COLORS["grid"],
                    automargin=True)
    layout = fig.layout.to_plotly_json()
    axes = {name for name in layout if name.startswith(("xaxis", "yaxis"))} | {"xaxis", "yaxis"}
    layout = _merged(layout, {
        "font": {"family": FONT_FAMILY, "size": base, "color": COLORS["text"]},
        "margin": {"l": 70 if present else 56, "r": 24, "t": 24 if not fig.layout.title.text else 64,
                   "b": 56 if present else 44},
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": base}},
        "legend": {"orientation": "v", "yanchor": "top", "y": 1, "xanchor": "left", "x": 1.01,
                   "font": {"size": base - 1}},
        **{name: axis for name in axes},
    })
    widest = _widest_bar_label(fig, layout, base)
    if widest:
        layout["margin"]["r"] = max(layout["margin"].get("r") or 0, int(widest) + 12)
    fig.layout = go.Layout(layout, _validate=False)
    return fig


def _merged(base: dict, update: dict) -> dict:
    """``base`` with ``update`` merged in, dicts key by key (as ``update_layout`` merges them)."""
    out = dict(base)
    for key, value in update.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _widest_bar_label(fig: go.Figure, layout: dict, base: int) -> float:
    """Width of the longest value label outside a horizontal bar, for the right margin to hold it.

    A label starts at its bar's end, which is at most the axis end, so a margin as wide
    as the longest label always holds it, whatever the plot width.
    """
    widest = 0.0
    for trace in fig.data:
        if trace.type != "bar" or trace.orientation != "h" or trace.text is None:
            continue
        domain = layout.get("xaxis" + (trace.xaxis or "x")[1:], {}).get("domain")
        if domain and domain[1] < 0.95:  # a left subplot: its labels need room inside it
            continue
        if trace.textposition not in ("outside", None) and "outside" not in str(trace.textposition):
            continue
        size = (trace.textfont.size if trace.textfont and isinstance(trace.textfont.size, (int, float))
                else None) or base
        texts = [trace.text] if isinstance(trace.text, str) else list(trace.text)
        widest = max([widest, *(text_width(t, size, em=0.58) for t in texts if t is not None)])
    return widest


def graph_config(name: str, *, present: bool = False, filename: str | None = None) -> dict[str, Any]:
    """``dcc.Graph`` config: a lean toolbar whose camera saves a slide-sized PNG at 2x.

    ``filename`` (``<chart>-<filters>-<date>``) names the PNG and, through the
    SVG button, the SVG too.
    """
    return {
        "displaylogo": False,
        "displayModeBar": "hover" if not present else False,
        "responsive": True,
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", "toggleSpikelines",
                                   "sendDataToCloud", "zoomIn2d", "zoomOut2d"],
        "toImageButtonOptions": {"format": "png", "filename": filename or name, "width": EXPORT_WIDTH,
                                 "height": EXPORT_HEIGHT, "scale": 2},
    }


def empty_figure(message: str, *, present: bool = False) -> go.Figure:
    """A blank chart carrying ``message`` in the middle (no axes, no toolbar noise)."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font={"size": 22 if present else 15, "color": COLORS["muted"]})
    apply_house_style(fig, present=present)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(meta={"empty": True})
    return fig


def _whole_number_ticks(fig: go.Figure, axis: str, top: float) -> None:
    """Counts below ten get a tick per unit (no "2.5 commits")."""
    if isinstance(top, (int, float)) and 0 < top <= 10:
        (fig.update_yaxes if axis == "y" else fig.update_xaxes)(dtick=1, tickformat="d")


def month_ticks(fig: go.Figure, values: list[Any], *, present: bool = False) -> go.Figure:
    """Readable monthly ticks: every month on short spans, then quarters, halves, years."""
    axis = month_axis(values, present=present)
    if axis:
        fig.update_xaxes(**axis)
    return fig


def month_axis(values: list[Any], *, present: bool = False) -> dict[str, Any]:
    """:func:`month_ticks` as x-axis properties, for a figure built in one go ({} without dates)."""
    values = [v for v in values if v is not None]
    if not values or not hasattr(values[0], "month"):
        return {}
    first, last = min(values), max(values)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if present:  # large type: half as many labels
        months *= 2
    step = 1 if months <= 12 else 3 if months <= 36 else 6 if months <= 72 else 12
    return {"dtick": f"M{step}", "tickformat": "%b %Y" if step < 12 else "%Y", "ticklabelmode": "instant",
            "hoverformat": "%b %Y"}


def _series_order(df: pl.DataFrame, series: str, y: str) -> list[str]:
    """Series names biggest first, with Others / Independent / Unknown last."""
    totals = df.group_by(series).agg(pl.col(y).sum().alias("_total")).sort(
        ["_total", series], descending=[True, False])
    names = [str(n) for n in totals[series].to_list()]
    fixed = [n for n in (INDEPENDENT, UNKNOWN, OTHERS) if n in names]
    return [n for n in names if n not in fixed] + fixed


# --------------------------------------------------------------------------- builders

def area_over_time(*, x: str, y: str, series: str, y_title: str = "",
                   empty: str = "No contributions for these filters.", percent: bool = False) -> Builder:
    """Stacked area, one band per ``series`` value, biggest at the bottom; ``percent``: each
    month's bands normalised to 100% (the share of the month).

    Traces and layout are plain dicts in one figure call (plotly's checks and per-trace
    updates cost more than the data: ~70 ms for ten organisations over ten years)."""

    def build(df: pl.DataFrame, filters: Any = None) -> go.Figure:
        present = is_present(filters)
        if df.is_empty():
            return empty_figure(empty, present=present)
        order = _series_order(df, series, y)
        colors = color_map(order)
        parts = {str(key[0]): part for key, part in df.group_by(series)}
        traces = []
        for name in order:
            part = parts[name].sort(x)
            traces.append({
                "type": "scatter", "x": part[x].to_list(), "y": part[y].to_list(), "name": name, "mode": "lines",
                "stackgroup": "one", "line": {"width": 0.5, "color": colors[name]}, "fillcolor": colors[name],
                "hovertemplate": (f"%{{x|%b %Y}}<br>%{{fullData.name}}: %{{y:.0f}}%<extra></extra>" if percent
                                  else f"%{{x|%b %Y}}<br>{name}: %{{y:,}}<extra></extra>"),
                **({"groupnorm": "percent"} if percent else {})})
        yaxis: dict[str, Any] = {"title": {"text": y_title}}
        if percent:
            yaxis.update(ticksuffix="%", range=[0, 100])
        elif df.schema[y].is_integer():
            top = df.group_by(x).agg(pl.col(y).sum())[y].max() or 0
            if 0 < top <= 10:      # counts below ten get a tick per unit (no "2.5 commits")
                yaxis.update(dtick=1, tickformat="d")
        fig = go.Figure(_validate=False, data=traces, layout={
            "hovermode": "x unified", "yaxis": yaxis, "legend": {"traceorder": "reversed"},
            "xaxis": month_axis(df[x].to_list(), present=present)})
        return apply_house_style(fig, present=present)

    return build


#: Most lines a chart draws one by one, with their own colour and legend entry; the others share one
#: grey trace (300 projects' coverage lines were 300 traces and a 300-entry legend: tens of seconds
#: of drawing in the browser, and unreadable).
MAX_LINES = 10


class Points:
    """A long run of plot values that plotly neither copies nor walks point by point.

    A figure is deep-copied when built and again when serialised (``to_dict``), and each
    copy visits every point in Python: ~3 us a point, ~60 ms for 17,000 points, more than
    the rest of the chart.  Wrapped values are never changed after the figure is built,
    so a copy can share them; the JSON encoders (the standard one through
    ``to_plotly_json``, orjson's through ``tolist``) write them as the plain list.
    """

    __slots__ = ("values",)

    def __init__(self, values: list):
        self.values = values

    def __deepcopy__(self, memo: dict) -> "Points":
        return self

    def to_plotly_json(self) -> list:
        return self.values

    tolist = to_plotly_json

    def __len__(self) -> int:
        return len(self.values)

    def __iter__(self):
        return iter(self.values)

    def __getitem__(self, index):
        return self.values[index]


def _broken_lines(df: pl.DataFrame, *, x: str, y: str, series: str) -> tuple[list, list, list]:
    """x, y and series name of every point, series after series (each in ``x`` order), with a gap
    (None everywhere) after each series so one trace draws them as separate lines.  Dates become
    ISO text here, in one go, rather than one by one in the JSON encoder."""
    points = df.select(series, pl.col(x).cast(pl.String) if df.schema[x] == pl.Date else x, y)
    points = points.with_columns(_gap=pl.lit(False))
    gaps = points.select(series).unique().with_columns(
        pl.lit(None, dtype=points.schema[x]).alias(x), pl.lit(None, dtype=points.schema[y]).alias(y), _gap=pl.lit(True))
    both = pl.concat([points, gaps]).sort([series, "_gap", x])
    names = both.select(pl.when(pl.col("_gap")).then(None).otherwise(pl.col(series)).alias(series))[series]
    return both[x].to_list(), both[y].to_list(), names.to_list()


def line_over_time(*, x: str, y: str, series: str | None = None, y_title: str = "",
                   percent: bool = False, empty: str = "No data for these filters.") -> Builder:
    """One line per ``series`` value (or a single line) over time; beyond :data:`MAX_LINES` series
    the rest are thin grey lines in one trace (hovering names each), the data unchanged.

    Traces are plain dicts in one figure call (``_validate=False``: plotly's checks walk every
    point, ~0.5 s for 300 series); the grey trace's points are :class:`Points`.
    """

    def build(df: pl.DataFrame, filters: Any = None) -> go.Figure:
        present = is_present(filters)
        if df.is_empty():
            return empty_figure(empty, present=present)
        order = _series_order(df, series, y) if series else [None]
        shown, rest = order[:MAX_LINES], order[MAX_LINES:]
        colors = color_map(n for n in shown if n is not None)
        fmt = "%{y:.1%}" if percent else "%{y:,}"
        traces: list[dict] = []
        if rest:
            xs, ys, names = _broken_lines(df.filter(pl.col(series).is_in(rest)), x=x, y=y, series=series)
            traces.append({
                "type": "scatter", "x": Points(xs), "y": Points(ys), "text": Points(names),
                "name": f"{len(rest)} others", "mode": "lines", "line": {"width": 1, "color": COLORS["muted"]},
                "opacity": 0.5, "hovertemplate": f"%{{x|%b %Y}}<br>%{{text}}: {fmt}<extra></extra>"})
        parts = ({key[0]: part for key, part in df.filter(pl.col(series).is_in(shown)).group_by(series)}
                 if series else {None: df})
        for name in shown:
            part = parts[name].sort(x)
            label = name or y_title or y
            traces.append({
                "type": "scatter", "x": part[x].to_list(), "y": part[y].to_list(), "name": label,
                "mode": "lines+markers", "marker": {"size": 5},
                "line": {"width": 2.5, "color": colors.get(name, COLORS["primary"])},
                "hovertemplate": f"%{{x|%b %Y}}<br>{label}: {fmt}<extra></extra>"})
        fig = go.Figure(_validate=False, data=traces, layout={
            "hovermode": "closest" if rest else "x unified", "yaxis": {
                "title": {"text": y_title}, "rangemode": "tozero",   # honest axes: a wobble must not look like a swing
                **({"tickformat": ".0%"} if percent else {})},
            "showlegend": series is not None})
        month_ticks(fig, df[x].to_list(), present=present)
        return apply_house_style(fig, present=present)

    return build


#: Most bars a ranking draws: 400 organisations were a 10,000-pixel figure that took the browser
#: ~1.5 s to draw and nobody could read; the CSV keeps every row.
MAX_BARS = 25


def bar_top(*, label: str, value: str, share: str | None = None, x_title: str = "",
            empty: str = "No data for these filters.", max_bars: int = MAX_BARS) -> Builder:
    """Horizontal bars, biggest at the top, labelled with the value (and share); the first
    ``max_bars`` rows (the metrics rank biggest first), the axis title saying how many of how many."""

    def build(df: pl.DataFrame, filters: Any = None) -> go.Figure:
        present = is_present(filters)
        if df.is_empty():
            return empty_figure(empty, present=present)
        total = df.height
        df = df.head(max_bars)
        title = x_title + (f" (the {df.height} biggest of {total:,})" if total > df.height else "")
        names = [str(n) for n in df[label].to_list()]
        values = df[value].to_list()
        colors = color_map(names)
        shares = df[share].to_list() if share else [None] * len(values)
        # a share is missing where its total is zero (nothing to divide by): the count alone
        text = [("–" if v is None else f"{v:,}") + ("" if s is None else f" ({s:.0%})") for v, s in zip(values, shares)]
        fig = go.Figure(go.Bar(
            x=values, y=names, orientation="h", text=text, textposition="outside",
            cliponaxis=False, marker={"color": [colors[n] for n in names]},
            hovertemplate="%{y}: %{text}<extra></extra>",
        ))
        fig.update_layout(showlegend=False, xaxis_title=title, bargap=0.25,
                          height=60 + 26 * len(names) if len(names) > 14 and not present else None)
        fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names)
        if df.schema[value].is_integer():
            _whole_number_ticks(fig, "x", max(values) if values else 0)
        # The labels outside the bars go into the right margin (see apply_house_style).
        fig.update_xaxes(range=[0, max(values) * 1.04 if values and max(values) else 1])
        return apply_house_style(fig, present=present)

    return build
