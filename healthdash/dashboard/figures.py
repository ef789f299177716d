"""Figures: the one house style and the pure ``(df, filters) -> go.Figure`` builders.

Sits between the metrics (polars frames) and the dashboard pages: every chart
the dashboard, an embed or an export shows is built here, so colours, fonts and
empty states look the same everywhere.  No ``dash`` import: exports and tests
use these builders without an app.

* Organisations keep one colour across charts: each name hashes to a preferred
  slot of :data:`PALETTE` (collisions inside one figure move to the next free
  slot, biggest series first).  ``Others`` is always grey and ``Independent``
  always charcoal.
* Presentation mode (``?present=1``, i.e. ``filters.extra["present"]``) means
  large type, no title clutter and a toolbar that exports slide-sized images.
* Builders for common shapes are made by factories (:func:`area_over_time`,
  :func:`line_over_time`, :func:`bar_top`) so an area registers a chart with
  ``figure=area_over_time(x="month", y="commits", series="org")``.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable, Mapping

import plotly.graph_objects as go
import polars as pl

#: Seventeen well-separated colours (Tableau 10 plus seven that differ from all of them in hue
#: or lightness); greys are reserved for Others / Independent / Unknown.
PALETTE = (
    "#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#EECA3B", "#9D755D",
    "#FF9DA6", "#1B3A6B", "#7B3FA0", "#A5A51E", "#17BECF", "#1E6B52", "#C2185B", "#F4A582", "#5E3C1E",
)
OTHERS = "Others"
INDEPENDENT = "Independent"
UNKNOWN = "Unknown"
#: Fixed colours for the categories that are not organisations.
FIXED_COLORS = {OTHERS: "#BDBDBD", INDEPENDENT: "#4D4D4D", UNKNOWN: "#DADADA"}
#: Named colours for status-like values (scorecards, checks, matrices).
COLORS = {
    "primary": "#2F5D8A", "text": "#1F2933", "muted": "#6B7785", "grid": "#E6E9EE",
    "background": "#FFFFFF", "good": "#2E8540", "warn": "#E0A100", "bad": "#C62828",
    "neutral": "#9AA5B1", **{k.lower(): v for k, v in FIXED_COLORS.items()},
}
FONT_FAMILY = "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
#: Image export size: a 16:9 slide.
EXPORT_WIDTH, EXPORT_HEIGHT = 1600, 900

Builder = Callable[[pl.DataFrame, Any], go.Figure]


# --------------------------------------------------------------------------- colours

def _slot(name: str) -> int:
    digest = hashlib.md5(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % len(PALETTE)


def org_color(name: str) -> str:
    """The preferred colour of one organisation (same in every chart)."""
    return FIXED_COLORS.get(name) or PALETTE[_slot(name)]


def color_map(names: Iterable[str]) -> dict[str, str]:
    """Colours for the series of one figure, ``names`` biggest first.

    Each name takes its hashed slot unless a bigger series in the same figure
    already has it; then the next free slot.  Fixed categories keep their grey.
    """
    colors: dict[str, str] = {}
    used: set[int] = set()
    for name in names:
        if name in colors:
            continue
        if name in FIXED_COLORS:
            colors[name] = FIXED_COLORS[name]
            continue
        slot = _slot(name)
        for step in range(len(PALETTE)):
            candidate = (slot + step) % len(PALETTE)
            if candidate not in used or len(used) >= len(PALETTE):
                break
        used.add(candidate)
        colors[name] = PALETTE[candidate]
    return colors


# --------------------------------------------------------------------------- style

def is_present(filters: Any) -> bool:
    """True when the view asks for presentation mode (``?present=1``)."""
    extra: Mapping[str, str] = getattr(filters, "extra", None) or {}
    return str(extra.get("present", "")).lower() in ("1", "true", "yes")


def apply_house_style(fig: go.Figure, *, present: bool = False) -> go.Figure:
    """Fonts, margins, grid and legend shared by every chart; large in presentation mode."""
    base = 22 if present else 13
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT_FAMILY, "size": base, "color": COLORS["text"]},
        margin={"l": 70 if present else 56, "r": 24, "t": 24 if not fig.layout.title.text else 64,
                "b": 56 if present else 44},
        paper_bgcolor=COLORS["background"],
        plot_bgcolor=COLORS["background"],
        hoverlabel={"font": {"family": FONT_FAMILY, "size": base}},
        legend={"orientation": "v", "yanchor": "top", "y": 1, "xanchor": "left", "x": 1.01,
                "font": {"size": base - 1}, "bgcolor": "rgba(0,0,0,0)"},
        colorway=list(PALETTE),
        separators=".,",
    )
    axis = {"gridcolor": COLORS["grid"], "zerolinecolor": COLORS["grid"], "linecolor": COLORS["grid"],
            "title": {"font": {"size": base}}, "tickfont": {"size": base - 1}, "automargin": True}
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    _room_for_bar_labels(fig, base)
    return fig


def _text_width(text: str, size: float) -> float:
    """Rough rendered width in px of ``text`` at font ``size`` (sans-serif averages ~0.58 em)."""
    return 0.58 * size * len(str(text))


def _room_for_bar_labels(fig: go.Figure, base: int) -> None:
    """Widen the right margin so value labels outside horizontal bars are never cut off.

    A label starts at its bar's end, which is at most the axis end, so a margin as wide
    as the longest label always holds it, whatever the plot width.
    """
    widest = 0.0
    for trace in fig.data:
        if trace.type != "bar" or trace.orientation != "h" or trace.text is None:
            continue
        axis = fig.layout["xaxis" + (trace.xaxis or "x")[1:]]
        if axis.domain and axis.domain[1] < 0.95:  # a left subplot: its labels need room inside it
            continue
        if trace.textposition not in ("outside", None) and "outside" not in str(trace.textposition):
            continue
        size = (trace.textfont.size if trace.textfont and isinstance(trace.textfont.size, (int, float))
                else None) or base
        texts = [trace.text] if isinstance(trace.text, str) else list(trace.text)
        widest = max([widest, *(_text_width(t, size) for t in texts if t is not None)])
    if widest:
        fig.update_layout(margin={"r": max(fig.layout.margin.r or 0, int(widest) + 12)})


def graph_config(name: str, *, present: bool = False) -> dict[str, Any]:
    """``dcc.Graph`` config: a lean toolbar whose camera saves a slide-sized PNG."""
    return {
        "displaylogo": False,
        "displayModeBar": "hover" if not present else False,
        "responsive": True,
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", "toggleSpikelines",
                                   "sendDataToCloud", "zoomIn2d", "zoomOut2d"],
        "toImageButtonOptions": {"format": "png", "filename": name, "width": EXPORT_WIDTH,
                                 "height": EXPORT_HEIGHT, "scale": 1},
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
    values = [v for v in values if v is not None]
    if not values or not hasattr(values[0], "month"):
        return fig
    first, last = min(values), max(values)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if present:  # large type: half as many labels
        months *= 2
    step = 1 if months <= 12 else 3 if months <= 36 else 6 if months <= 72 else 12
    fig.update_xaxes(dtick=f"M{step}", tickformat="%b %Y" if step < 12 else "%Y", ticklabelmode="instant",
                     hoverformat="%b %Y")
    return fig


def _series_order(df: pl.DataFrame, series: str, y: str) -> list[str]:
    """Series names biggest first, with Others / Independent / Unknown last."""
    totals = df.group_by(series).agg(pl.col(y).sum().alias("_total")).sort(
        ["_total", series], descending=[True, False])
    names = [str(n) for n in totals[series].to_list()]
    fixed = [n for n in (INDEPENDENT, UNKNOWN, OTHERS) if n in names]
    return [n for n in names if n not in fixed] + fixed


# --------------------------------------------------------------------------- builders

def area_over_time(*, x: str, y: str, series: str, y_title: str = "",
                   empty: str = "No contributions for these filters.") -> Builder:
    """Stacked area, one band per ``series`` value, biggest at the bottom."""

    def build(df: pl.DataFrame, filters: Any = None) -> go.Figure:
        present = is_present(filters)
        if df.is_empty():
            return empty_figure(empty, present=present)
        order = _series_order(df, series, y)
        colors = color_map(order)
        fig = go.Figure()
        for name in order:
            part = df.filter(pl.col(series) == name).sort(x)
            fig.add_trace(go.Scatter(
                x=part[x].to_list(), y=part[y].to_list(), name=name, mode="lines",
                stackgroup="one", line={"width": 0.5, "color": colors[name]},
                fillcolor=colors[name],
                hovertemplate=f"%{{x|%b %Y}}<br>{name}: %{{y:,}}<extra></extra>",
            ))
        fig.update_layout(hovermode="x unified", yaxis_title=y_title, legend_traceorder="reversed")
        if df.schema[y].is_integer():
            _whole_number_ticks(fig, "y", df.group_by(x).agg(pl.col(y).sum())[y].max() or 0)
        month_ticks(fig, df[x].to_list(), present=present)
        return apply_house_style(fig, present=present)

    return build


def line_over_time(*, x: str, y: str, series: str | None = None, y_title: str = "",
                   percent: bool = False, empty: str = "No data for these filters.") -> Builder:
    """One line per ``series`` value (or a single line) over time."""

    def build(df: pl.DataFrame, filters: Any = None) -> go.Figure:
        present = is_present(filters)
        if df.is_empty():
            return empty_figure(empty, present=present)
        order = _series_order(df, series, y) if series else [None]
        colors = color_map(n for n in order if n is not None)
        fig = go.Figure()
        for name in order:
            part = (df.filter(pl.col(series) == name) if name is not None else df).sort(x)
            fmt = "%{y:.1%}" if percent else "%{y:,}"
            fig.add_trace(go.Scatter(
                x=part[x].to_list(), y=part[y].to_list(), name=name or y_title or y,
                mode="lines+markers", marker={"size": 5},
                line={"width": 2.5, "color": colors.get(name, COLORS["primary"])},
                hovertemplate=f"%{{x|%b %Y}}<br>{name or y_title or y}: {fmt}<extra></extra>",
            ))
        fig.update_layout(hovermode="x unified", yaxis_title=y_title, showlegend=series is not None)
        fig.update_yaxes(rangemode="tozero")  # honest axes: a small wobble must not look like a swing
        if percent:
            fig.update_yaxes(tickformat=".0%")
        month_ticks(fig, df[x].to_list(), present=present)
        return apply_house_style(fig, present=present)

    return build


def bar_top(*, label: str, value: str, share: str | None = None, x_title: str = "",
            empty: str = "No data for these filters.") -> Builder:
    """Horizontal bars, biggest at the top, labelled with the value (and share)."""

    def build(df: pl.DataFrame, filters: Any = None) -> go.Figure:
        present = is_present(filters)
        if df.is_empty():
            return empty_figure(empty, present=present)
        names = [str(n) for n in df[label].to_list()]
        values = df[value].to_list()
        colors = color_map(names)
        if share:
            text = [f"{v:,} ({s:.0%})" for v, s in zip(values, df[share].to_list())]
        else:
            text = [f"{v:,}" for v in values]
        fig = go.Figure(go.Bar(
            x=values, y=names, orientation="h", text=text, textposition="outside",
            cliponaxis=False, marker={"color": [colors[n] for n in names]},
            hovertemplate="%{y}: %{text}<extra></extra>",
        ))
        fig.update_layout(showlegend=False, xaxis_title=x_title, bargap=0.25,
                          height=60 + 26 * len(names) if len(names) > 14 and not present else None)
        fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names)
        if df.schema[value].is_integer():
            _whole_number_ticks(fig, "x", max(values) if values else 0)
        # The labels outside the bars go into the right margin (see apply_house_style).
        fig.update_xaxes(range=[0, max(values) * 1.04 if values and max(values) else 1])
        return apply_house_style(fig, present=present)

    return build


# --------------------------------------------------------------------------- partial last period

#: Median gap (days) between consecutive x values -> period length in months.
_PERIODS = ((27, 32, 1, "month"), (88, 93, 3, "quarter"))
IN_PROGRESS = "in-progress"


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _period_bounds(day: date, months: int) -> tuple[date, date]:
    """First and last day of the ``months``-long period (month or calendar quarter) holding ``day``."""
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    nxt = date(start.year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return start, nxt - timedelta(days=1)


def _period_label(start: date, months: int) -> str:
    return start.strftime("%b %Y") if months == 1 else f"{start.year} Q{(start.month - 1) // 3 + 1}"


def partial_period(xs: Iterable[Any], end: date | None) -> tuple[int, date, date] | None:
    """``(months, first day, last day)`` of the period of the last x value when ``end`` falls
    inside it before its last day (the period is still running), else None.

    ``xs`` are the dates of one monthly or quarterly series (period starts or period ends);
    the period length is read from the median gap between them.
    """
    days = sorted({d for d in (_as_date(x) for x in xs) if d is not None})
    if end is None or len(days) < 2:
        return None
    gaps = sorted((b - a).days for a, b in zip(days, days[1:]))
    gap = gaps[len(gaps) // 2]
    months = next((m for low, high, m, _ in _PERIODS if low <= gap <= high), None)
    if months is None:
        return None
    start, last = _period_bounds(days[-1], months)
    return (months, start, last) if start <= end < last else None


def _overlay_last_segment(trace: Any) -> list[go.Scatter]:
    """A white gap and a dashed copy over the trace's last segment, and a hollow last marker."""
    xs, ys = list(trace.x)[-2:], list(trace.y)[-2:]
    color = (trace.line.color if trace.line and trace.line.color else None) or COLORS["primary"]
    width = (trace.line.width if trace.line and trace.line.width else 2) or 2
    common = {"x": xs, "y": ys, "xaxis": trace.xaxis, "yaxis": trace.yaxis, "showlegend": False,
              "hoverinfo": "skip", "connectgaps": trace.connectgaps, "name": IN_PROGRESS}
    shape = trace.line.shape if trace.line and trace.line.shape else "linear"
    has_markers = "markers" in (trace.mode or "")
    size = ((trace.marker.size if trace.marker and isinstance(trace.marker.size, (int, float)) else 6) or 6) + 2
    return [
        go.Scatter(mode="lines", line={"color": COLORS["background"], "width": width + 2, "shape": shape},
                   **common),
        go.Scatter(mode="lines+markers" if has_markers else "lines",
                   line={"color": color, "width": width, "dash": "dot", "shape": shape},
                   marker={"size": [0, size], "color": COLORS["background"], "line": {"color": color, "width": 2}},
                   **common),
    ]


def mark_in_progress(fig: go.Figure, end: date | None, *, present: bool = False,
                     data_end: date | None = None) -> go.Figure:
    """Mark the last period of monthly / quarterly series as in progress when ``end`` falls inside it.

    ``end`` is the last day the numbers cover (the data's last date, or the filter's end
    when earlier).  Lines get a dotted last segment and a hollow last point, bars a lighter
    hatched last bar, stacked areas a faded last segment; a small note above the plot says
    which period is running.  The traces keep every value: nothing is dropped.
    """
    if end is None or (fig.layout.meta or {}).get("empty"):
        return fig
    found: tuple[int, date, date] | None = None
    overlays: list[go.Scatter] = []
    fades: list[tuple[Any, Any, str]] = []
    for trace in fig.data:
        if trace.type not in ("scatter", "bar") or trace.x is None or len(trace.x) < 2:
            continue
        if trace.type == "bar" and trace.orientation == "h":
            continue
        if trace.type == "scatter" and "lines" not in (trace.mode or "lines"):
            continue
        period = partial_period(trace.x, end)
        if period is None or _as_date(trace.x[-1]) is None or _as_date(trace.x[-1]) < period[1]:
            continue
        found = found or period
        if trace.type == "bar":
            count = len(trace.x)
            trace.marker.opacity = [1.0] * (count - 1) + [0.45]
            trace.marker.pattern = {"shape": [""] * (count - 1) + ["/"], "fgcolor": COLORS["background"],
                                    "solidity": 0.25}
        elif trace.stackgroup:
            fades.append((trace.x[-2], trace.x[-1], trace.xaxis or "x"))
        else:
            overlays.extend(_overlay_last_segment(trace))
    if found is None:
        return fig
    months, start, last = found
    for x0, x1, axis in dict.fromkeys(fades):
        fig.add_shape(type="rect", xref=axis, yref="paper", x0=x0, x1=x1, y0=0, y1=1, layer="above",
                      fillcolor=COLORS["background"], opacity=0.55, line={"width": 0}, name=IN_PROGRESS)
    for overlay in overlays:
        fig.add_trace(overlay)
    unit = "month" if months == 1 else "quarter"
    running = data_end is None or end >= data_end
    note = (f"{_period_label(start, months)}: {unit} in progress, data to {end.day} {end:%b}" if running
            else f"{_period_label(start, months)}: partial {unit}, up to {end.day} {end:%b}")
    base = 22 if present else 13
    fig.add_annotation(text=note, name=IN_PROGRESS, showarrow=False, xref="paper", yref="paper", x=0, y=1,
                       xanchor="left", yanchor="bottom", yshift=2,
                       font={"size": base - (5 if present else 2), "color": COLORS["muted"]})
    top = fig.layout.margin.t or 0
    fig.update_layout(margin={"t": max(top, 40 if present else 30)},
                      meta={**(fig.layout.meta or {}), IN_PROGRESS: start.isoformat()})
    return fig
