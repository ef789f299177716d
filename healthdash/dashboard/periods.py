"""Partial periods: the first and last month (or quarter) of a chart that the numbers only partly cover.

A release cycle starting on 30 September puts one day of September into a
monthly chart, and the month the data ends in is still running; drawn like
full periods they mislead.  :func:`mark_in_progress` marks them on any finished
figure: lines get a dotted segment and a hollow point, bars a lighter hatched
bar, stacked areas a faded band, and a note above the plot names each partial
period ("Sep 2024: partial month, from 30 Sep").  Values are never dropped.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Iterable

import plotly.graph_objects as go

from healthdash.dashboard.figures import COLORS

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


def _period_months(days: list[date]) -> int | None:
    if len(days) < 2:
        return None
    gaps = sorted((b - a).days for a, b in zip(days, days[1:]))
    gap = gaps[len(gaps) // 2]
    return next((m for low, high, m, _ in _PERIODS if low <= gap <= high), None)


def _days(xs: Iterable[Any]) -> list[date]:
    return sorted({d for d in (_as_date(x) for x in xs) if d is not None})


def partial_period(xs: Iterable[Any], end: date | None) -> tuple[int, date, date] | None:
    """``(months, first day, last day)`` of the period of the last x value when ``end`` falls
    inside it before its last day (the period is still running), else None.

    ``xs`` are the dates of one monthly or quarterly series (period starts or period ends);
    the period length is read from the median gap between them.
    """
    days = _days(xs)
    months = _period_months(days) if end is not None else None
    if months is None:
        return None
    start, last = _period_bounds(days[-1], months)
    return (months, start, last) if start <= end < last else None


def partial_first_period(xs: Iterable[Any], start: date | None) -> tuple[int, date, date] | None:
    """``(months, first day, last day)`` of the period of the first x value when ``start`` falls
    inside it after its first day (a cycle starting 30 September covers one day of September)."""
    days = _days(xs)
    months = _period_months(days) if start is not None else None
    if months is None:
        return None
    first, last = _period_bounds(days[0], months)
    return (months, first, last) if first < start <= last else None


def _overlay_segment(trace: Any, index: int) -> list[go.Scatter]:
    """A background-coloured gap and a dashed copy over the trace's first (0) or last (-1) segment."""
    xs, ys = (list(trace.x)[:2], list(trace.y)[:2]) if index == 0 else (list(trace.x)[-2:], list(trace.y)[-2:])
    color = (trace.line.color if trace.line and trace.line.color else None) or COLORS["primary"]
    width = (trace.line.width if trace.line and trace.line.width else 2) or 2
    common = {"x": xs, "y": ys, "xaxis": trace.xaxis, "yaxis": trace.yaxis, "showlegend": False,
              "hoverinfo": "skip", "connectgaps": trace.connectgaps, "name": IN_PROGRESS}
    shape = trace.line.shape if trace.line and trace.line.shape else "linear"
    has_markers = "markers" in (trace.mode or "")
    size = ((trace.marker.size if trace.marker and isinstance(trace.marker.size, (int, float)) else 6) or 6) + 2
    sizes = [size, 0] if index == 0 else [0, size]
    return [
        go.Scatter(mode="lines", line={"color": COLORS["background"], "width": width + 2, "shape": shape},
                   **common),
        go.Scatter(mode="lines+markers" if has_markers else "lines",
                   line={"color": color, "width": width, "dash": "dot", "shape": shape},
                   marker={"size": sizes, "color": COLORS["background"], "line": {"color": color, "width": 2}},
                   **common),
    ]


def _eligible(trace: Any) -> bool:
    if trace.type not in ("scatter", "bar") or trace.x is None or len(trace.x) < 2:
        return False
    if trace.type == "bar" and trace.orientation == "h":
        return False
    return not (trace.type == "scatter" and "lines" not in (trace.mode or "lines"))


def _fade_bar(trace: Any, index: int) -> None:
    count = len(trace.x)
    opacity = list(trace.marker.opacity) if isinstance(trace.marker.opacity, (list, tuple)) else [1.0] * count
    shapes = (list(trace.marker.pattern.shape) if trace.marker.pattern and
              isinstance(trace.marker.pattern.shape, (list, tuple)) else [""] * count)
    opacity[index], shapes[index] = 0.45, "/"
    trace.marker.opacity = opacity
    trace.marker.pattern = {"shape": shapes, "fgcolor": COLORS["background"], "solidity": 0.25}


def _note(found: tuple[int, date, date], *, first: bool, end: date, running: bool) -> str:
    months, start, _ = found
    unit = "month" if months == 1 else "quarter"
    if first:
        return f"{_period_label(start, months)}: partial {unit}, from {end.day} {end:%b}"
    if running:
        return f"{_period_label(start, months)}: {unit} in progress, data to {end.day} {end:%b}"
    return f"{_period_label(start, months)}: partial {unit}, up to {end.day} {end:%b}"


def mark_in_progress(fig: go.Figure, end: date | None, *, present: bool = False,
                     data_end: date | None = None, start: date | None = None) -> go.Figure:
    """Mark the first and last periods of monthly / quarterly series that the window only partly covers.

    ``end`` is the last day the numbers cover (the data's last date, or the filter's end
    when earlier); ``start`` the window's first day (a release cycle's or the filter's).
    The traces keep every value: nothing is dropped.
    """
    if (end is None and start is None) or (fig.layout.meta or {}).get("empty"):
        return fig
    found: dict[bool, tuple[int, date, date]] = {}
    overlays: list[go.Scatter] = []
    fades: list[tuple[Any, Any, str]] = []
    for trace in fig.data:
        if not _eligible(trace):
            continue
        for first, period in ((True, partial_first_period(trace.x, start)), (False, partial_period(trace.x, end))):
            index = 0 if first else -1
            day = _as_date(trace.x[index])
            if period is None or day is None or not (period[1] <= day <= period[2]):
                continue
            found.setdefault(first, period)
            if trace.type == "bar":
                _fade_bar(trace, index)
            elif trace.stackgroup:
                fades.append((trace.x[0], trace.x[1], trace.xaxis or "x") if first
                             else (trace.x[-2], trace.x[-1], trace.xaxis or "x"))
            else:
                overlays.extend(_overlay_segment(trace, index))
    if not found:
        return fig
    for x0, x1, axis in dict.fromkeys(fades):
        fig.add_shape(type="rect", xref=axis, yref="paper", x0=x0, x1=x1, y0=0, y1=1, layer="above",
                      fillcolor=COLORS["background"], opacity=0.55, line={"width": 0}, name=IN_PROGRESS)
    for overlay in overlays:
        fig.add_trace(overlay)
    running = data_end is None or (end is not None and end >= data_end)
    notes = []
    if True in found:
        notes.append(_note(found[True], first=True, end=start, running=running))
    if False in found:
        notes.append(_note(found[False], first=False, end=end, running=running))
    base = 22 if present else 13
    fig.add_annotation(text=" · ".join(notes), name=IN_PROGRESS, showarrow=False, xref="paper", yref="paper",
                       x=0, y=1, xanchor="left", yanchor="bottom", yshift=2,
                       font={"size": base - (5 if present else 2), "color": COLORS["muted"]})
    top = fig.layout.margin.t or 0
    marked = (found.get(False) or found[True])[1]
    fig.update_layout(margin={"t": max(top, 40 if present else 30)},
                      meta={**(fig.layout.meta or {}), IN_PROGRESS: marked.isoformat()})
    return fig
