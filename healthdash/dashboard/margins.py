"""Margins reserved for a chart's labels before the browser draws it.

plotly.js draws a chart, then measures its tick labels, axis titles, legend and colour bar;
when they do not fit the margins (axis ``automargin``, the legend's and colour bar's margin
push) it draws the whole chart a second time with wider margins.  That second drawing was
about half of the time a page spends drawing its charts (benchmarks/bench_pages.py).
:func:`reserve_margins` widens the margins up front to an estimate from the labels'
lengths that errs on the wide side, so the first drawing is the only one.  ``automargin``
stays on: a label the estimate misses still fits, drawn twice as before.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

import plotly.graph_objects as go

#: Average glyph width in em of the house sans-serif, a little over the mean (digits, capitals).
EM = 0.62
#: plotly's gap between the plot area and a tick label, and around a legend item's symbol.
TICK_PAD = 8
LEGEND_SYMBOL = 46
COLORBAR = 84
TITLE_STANDOFF = 15


_TAG = re.compile(r"<[^>]+>")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SAMPLE_DAY = datetime(2026, 9, 30)


def text_width(text: Any, size: float, em: float = EM) -> float:
    """Estimated width in px of a label (plotly's <b>/<i>/<br> tags: the longest line, bold a tenth
    wider), at ``em`` of the font size per character."""
    text = str(text)
    lines = re.split(r"<br\s*/?>", text, flags=re.IGNORECASE)
    widest = max(len(_TAG.sub("", line)) for line in lines)
    return em * size * widest * (1.1 if "<b>" in text else 1.0)


def _is_date(value: Any) -> bool:
    return isinstance(value, (date, datetime)) or (isinstance(value, str) and bool(_ISO_DAY.match(value)))


def _date_label(fmt: str | None) -> str:
    return _SAMPLE_DAY.strftime((fmt or "%b %Y").replace("%q", "3"))


def reserve_margins(fig: go.Figure) -> go.Figure:
    """``fig`` with margins at least as wide as its labels need (estimated); returns ``fig``.

    Reads the figure as plain JSON (plotly's typed property access cost ~10-20 ms a chart).
    """
    spec = fig.to_plotly_json()
    traces = [t for t in spec.get("data", []) if t.get("visible", True) is not False]
    layout = spec.get("layout", {})
    base = _get(layout, "font", "size") or 13
    margin = layout.get("margin", {})
    want = {"l": _left(traces, layout, base), "b": _bottom(traces, layout, base),
            "r": _right(traces, layout, base), "t": _top(traces, layout, base)}
    update = {side: math.ceil(px) for side, px in want.items() if px and px > (margin.get(side) or 0)}
    if update:
        fig.update_layout(margin=update)
    return fig


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _on(traces: list[dict], attr: str, ref: str) -> list[dict]:
    return [t for t in traces if (t.get(attr) or ref[0]) == ref]


def _values(trace: dict, coordinate: str) -> list:
    values = trace.get(coordinate)
    if values is None:
        return []
    return [values] if isinstance(values, str) else list(values)


def _labels_width(axis: dict, traces: list[dict], coordinate: str, size: float) -> float:
    """Widest tick label an axis of ``traces`` would show."""
    if axis.get("visible") is False:
        return 0.0
    if axis.get("ticktext"):
        return max((text_width(t, size) for t in axis["ticktext"]), default=0.0)
    values = [v for trace in traces for v in _values(trace, coordinate) if v is not None]
    values += list(axis.get("categoryarray") or [])
    first = values[0] if values else 0.0      # no values: plotly still draws a default numeric range
    if _is_date(first):
        return text_width(_date_label(axis.get("tickformat")), size)
    if isinstance(first, str):
        return max(text_width(v, size) for v in set(values))
    affix = len(str(axis.get("tickprefix") or "")) + len(str(axis.get("ticksuffix") or ""))
    if "%" in (axis.get("tickformat") or ""):
        return text_width("100%", size) + affix * EM * size
    return text_width("−1.5k", size) + affix * EM * size


def _tick_size(axis: dict, base: float) -> float:
    return _get(axis, "tickfont", "size") or base - 1


def _title_room(axis: dict, base: float) -> float:
    """Room for an axis title; an empty title ("") still takes its room in plotly.js."""
    if _get(axis, "title", "text") is None:
        return 0.0
    size = _get(axis, "title", "font", "size") or base
    standoff = _get(axis, "title", "standoff")
    return size * 1.25 + (standoff if standoff is not None else TITLE_STANDOFF)


def _left(traces: list[dict], layout: dict, base: float) -> float:
    axis = layout.get("yaxis") or {}
    if axis.get("visible") is False or axis.get("side") == "right":
        return 0.0
    width = _labels_width(axis, _on(traces, "yaxis", "y"), "y", _tick_size(axis, base))
    return width + TICK_PAD + _title_room(axis, base) if width else 0.0


def _x_labels(traces: list[dict], layout: dict, base: float) -> tuple[float, float]:
    """(height, overhang to the right) of the x axis' tick labels."""
    axis = layout.get("xaxis") or {}
    if axis.get("visible") is False:
        return 0.0, 0.0
    size = _tick_size(axis, base)
    values = [v for trace in _on(traces, "xaxis", "x") for v in _values(trace, "x") if v is not None]
    if not values:
        return 0.0, 0.0
    height, overhang = size * 1.4, 0.0
    dtick = axis.get("dtick")
    if _is_date(values[0]) and isinstance(dtick, str) and dtick.startswith("M"):
        days = [v if isinstance(v, (date, datetime)) else date.fromisoformat(v[:10]) for v in values]
        first, last = min(days), max(days)
        ticks = ((last.year - first.year) * 12 + last.month - first.month) / int(dtick[1:])
        label = text_width(_date_label(axis.get("tickformat")), size)
        if ticks * label > 650:   # crowded: plotly turns them 30 degrees
            height = label * 0.5 + size * 1.2 + 10
    if isinstance(values[0], str) and not _is_date(values[0]) and not axis.get("ticktext"):
        distinct = set(values)
        widest = max(text_width(v, size) for v in distinct)
        angle = axis.get("tickangle") if isinstance(axis.get("tickangle"), (int, float)) else None
        if angle is None and widest * len(distinct) > 650:   # plotly turns crowded labels by 30 degrees
            angle = -30
        if angle:
            turn = math.radians(abs(angle))
            height = widest * math.sin(turn) + size * math.cos(turn)
            overhang = widest * math.cos(turn)
    return height + TICK_PAD, overhang


def _bottom(traces: list[dict], layout: dict, base: float) -> float:
    axis = layout.get("xaxis") or {}
    room = 0.0
    if axis.get("side") != "top":
        height, _ = _x_labels(traces, layout, base)
        room = height + _title_room(axis, base) if height else 0.0
    legend = layout.get("legend") or {}
    legend_y = legend.get("y") if legend.get("y") is not None else 1
    if _legend_items(traces, layout) and legend.get("orientation") == "h" and legend_y < 0:
        # the legend hangs below the plot area by a share of its height: a chart's height is the
        # page's (CSS) unless the figure sets one; presentation mode's large type fills a screen
        plot = (layout.get("height") or (900 if base >= 20 else 450)) - (_get(layout, "margin", "t") or 0)
        rows = _legend_rows(traces, layout, base)
        room = max(room, (-legend_y * plot + rows * (base * 1.6 + 14)) / (1 - legend_y) + 4)
    return room


def _top(traces: list[dict], layout: dict, base: float) -> float:
    axis = layout.get("xaxis") or {}
    if axis.get("side") != "top":
        return 0.0
    height, _ = _x_labels(traces, layout, base)
    title = 30.0 if _get(layout, "title", "text") else 0.0   # a title does not push: room above
    return height + _title_room(axis, base) + title if height else 0.0


def _legend_items(traces: list[dict], layout: dict) -> list[dict]:
    shown = [t for t in traces if t.get("showlegend") is not False and t.get("name")]
    on = layout.get("showlegend") if layout.get("showlegend") is not None else len(shown) > 1
    return shown if on else []


def _legend_size(layout: dict, base: float) -> float:
    return _get(layout, "legend", "font", "size") or base


def _legend_rows(traces: list[dict], layout: dict, base: float) -> int:
    size = _legend_size(layout, base)
    total = sum(LEGEND_SYMBOL + text_width(t["name"], size) for t in _legend_items(traces, layout))
    return max(1, math.ceil(total / 650))


def _right(traces: list[dict], layout: dict, base: float) -> float:
    room = 0.0
    items = _legend_items(traces, layout)
    legend = layout.get("legend") or {}
    if items and (legend.get("orientation") or "v") == "v" and (legend.get("x") or 1.01) >= 1:
        room = LEGEND_SYMBOL + max(text_width(t["name"], _legend_size(layout, base)) for t in items) + 24
    for trace in traces:
        if trace.get("type") == "heatmap" and trace.get("showscale") is not False:
            room = max(room, COLORBAR + (base * 1.5 if _get(trace, "colorbar", "title", "text") else 0))
    for name, axis in layout.items():
        if name.startswith("yaxis") and isinstance(axis, dict) and axis.get("side") == "right" \
                and axis.get("visible") is not False:
            width = _labels_width(axis, [t for t in traces if t.get("yaxis") == "y" + name[5:]], "y",
                                  _tick_size(axis, base))
            if width:   # the legend is drawn over a right axis' labels, not beside them
                room = max(room, width + TICK_PAD + _title_room(axis, base))
    if (layout.get("xaxis") or {}).get("side") == "top":
        room = max(room, _x_labels(traces, layout, base)[1])
    return room
