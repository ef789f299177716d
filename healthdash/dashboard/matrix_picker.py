"""The Consistency page's feature-matrix picker: which matrix, and which two targets to compare.

The choice lives in the URL (``matrix``, ``target_a``, ``target_b``; see
:data:`healthdash.metrics.consistency.PAGE_KEYS`) like every filter, so a
copied link, an embed or an export reproduces it.  Plain functions here (tests
call them); the page module wires them to Dash.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from dash import dcc, html

from healthdash.errors import HealthdashError
from healthdash.metrics import consistency
from healthdash.metrics.filters import parse_filters


def picker() -> html.Div:
    """Three dropdowns, filled by :func:`picker_state` for the URL's filters."""
    def dropdown(key: str, label: str) -> html.Label:
        return html.Label([html.Span(label, className="picker-label"),
                           dcc.Dropdown(id=f"consistency-{key}", clearable=False, searchable=True,
                                        placeholder="–", style={"minWidth": "14rem"})],
                          className="picker-field")
    return html.Div([
        html.Div([dropdown("matrix", "Feature matrix"), dropdown("target_a", "Compare"),
                  dropdown("target_b", "with")], className="picker-row",
                 style={"display": "flex", "gap": "1rem", "flexWrap": "wrap", "alignItems": "end"}),
        dcc.Store(id="consistency-shown"),   # what the fill callback set: not a user's pick
    ], id="consistency-picker", className="card picker")


def picker_state(warehouse, search: str | None) -> dict[str, Any]:
    """Options and chosen values of the three dropdowns (empty when no matrix is collected)."""
    filters = parse_filters(search or "", extra_keys=consistency.PAGE_KEYS)
    try:
        with warehouse.cursor() as cur:
            names = consistency.matrices(cur)
            targets = consistency.feature_completeness(cur, filters) if names else None
            chosen = consistency.comparison_targets(cur, filters) if names else (None, None)
    except HealthdashError:
        names, targets, chosen = [], None, (None, None)
    matrix = filters.extra.get("matrix") or (names[0] if names else None)
    options = ([{"label": t, "value": v} for v, t in zip(targets["target"].to_list(),
                                                         targets["target_title"].to_list())]
               if targets is not None else [])
    return {"matrix_options": [{"label": n, "value": n} for n in names], "matrix": matrix,
            "target_options": options, "target_a": chosen[0], "target_b": chosen[1]}


def picker_search(search: str | None, matrix: str | None, target_a: str | None, target_b: str | None) -> str | None:
    """The URL query for the picked values, or None when it would not change.

    Choosing another matrix forgets the targets (they belong to the old one).
    """
    pairs = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k not in consistency.PAGE_KEYS]
    current = dict(parse_qsl((search or "").lstrip("?")))
    chosen = {"matrix": matrix, "target_a": target_a, "target_b": target_b}
    if matrix and current.get("matrix") and matrix != current.get("matrix"):
        chosen.update(target_a=None, target_b=None)
    pairs += [(k, v) for k, v in chosen.items() if v]
    query = urlencode(pairs)
    new = f"?{query}" if query else ""
    return None if new == (search or "") else new
