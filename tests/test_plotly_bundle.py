"""The browser draws charts with plotly.js's cartesian bundle (assets/plotly-cartesian.min.js).

Dash would otherwise load the full plotly.js (4.6 MB) before the first chart of a page; the
cartesian bundle (1.5 MB, bar / scatter / heatmap / box / pie / histogram ...) is a third of it,
and parsing it was the largest share of a page's first render (benchmarks/bench_pages.py).
dcc.Graph uses ``window.Plotly`` when a script has set it, so the asset replaces the download.
Two things must stay true: the bundle is the plotly.js version plotly.py writes figures for,
and every trace type a chart draws is in the bundle (a missing type draws nothing).
"""

from __future__ import annotations

import re
from pathlib import Path

import plotly
import plotly.graph_objects as go
import pytest
from plotly.basedatatypes import BaseTraceType

from healthdash.dashboard import charts as registry
from healthdash.metrics import Filters
from healthdash.warehouse import reader

BUNDLE = Path(__file__).resolve().parents[1] / "assets" / "plotly-cartesian.min.js"
VERSION = re.compile(r"plotly\.js (?:\([^)]*\) )?v(\d+\.\d+\.\d+)")


def _bundle_text() -> str:
    return BUNDLE.read_text("utf-8")


def bundle_trace_types() -> set[str]:
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', _bundle_text()))


def test_bundle_is_the_plotly_js_version_plotly_py_writes_for():
    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert VERSION.search(_bundle_text()[:400]).group(1) == VERSION.search(full.read_text("utf-8")[:400]).group(1)
    assert {"bar", "scatter", "heatmap"} <= bundle_trace_types()


@pytest.mark.parametrize("present", [False, True])
def test_every_chart_draws_only_trace_types_the_bundle_has(participation_warehouse, present):
    registry.load_all()
    known = bundle_trace_types()
    drawn: dict[str, set[str]] = {}
    filters = Filters(extra={"present": "1"}) if present else Filters()
    with reader(participation_warehouse) as con:
        for chart in registry.CHARTS.values():
            if chart.figure is None:
                continue
            fig = chart.figure(chart.metric(con.cursor(), filters), filters)
            drawn[chart.name] = {trace.type for trace in fig.data}
    missing = {name: types - known for name, types in drawn.items() if types - known}
    assert missing == {}
    assert set().union(*drawn.values()) >= {"bar", "scatter"}     # the fixture does draw charts


def test_no_dashboard_module_builds_a_trace_type_the_bundle_lacks():
    """Charts without data in the fixture still draw with the bundle: every ``go.<Trace>(`` in the
    dashboard's code is a type it has (the offline slide deck embeds the full plotly.js)."""
    dashboard = Path(registry.__file__).resolve().parents[1]
    used = {getattr(go, name)().type for path in dashboard.rglob("*.py")
            for name in re.findall(r"\bgo\.([A-Z]\w*)\(", path.read_text("utf-8"))
            if isinstance(getattr(go, name, None), type) and issubclass(getattr(go, name), BaseTraceType)}
    assert used and used <= bundle_trace_types(), used - bundle_trace_types()
