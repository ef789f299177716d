"""SQL injection through every filter: the strings match nothing, change nothing and crash nothing.

Filter values are bound as SQL parameters, never spliced into SQL; names may hold
any printable character.  Every registered chart (view and CSV) and every KPI row
is computed with injection strings in every list filter at once, and in the
release cycle; afterwards every table holds exactly what it held before.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from bug_fixture import build
from healthdash.dashboard import callbacks as cb
from healthdash.dashboard import charts as registry
from healthdash.dashboard.data import Warehouse
from healthdash.settings import Settings
from faults.warehouse_dump import dump

INJECTIONS = ["x' OR '1'='1", "'; DROP TABLE bugs; --", "\") OR 1=1 --", "%' UNION SELECT title FROM bugs --",
              "example' --"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build(tmp_path_factory.mktemp("inject") / "w.duckdb", count_private=True, private_details=True)


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_in_every_filter_match_nothing_and_change_nothing(warehouse, value):
    before = dump(warehouse)
    context = cb.DashboardContext(Settings(path=None, warehouse=warehouse), Warehouse(warehouse))
    search = "?" + urlencode([(key, value) for key in ("team", "project", "repo", "org")])
    for name, chart in registry.load_all().items():
        view = cb.chart_view(context, name, search).to_plotly_json()
        if chart.figure is None:                # a table comes when it scrolls near: its grid too
            view = [view, cb.table_view(context, name, search).to_plotly_json()]
        csv = cb.chart_csv(context, name, search)["content"]
        assert "Bug " not in csv and "EMBARGO" not in str(view), (name, csv[:200])  # nothing matched
    for page in {kpi.page for kpi in registry.KPIS.values()}:
        cb.kpi_view(context, page, search)
    cycle = cb.chart_view(context, "bugs-backlog", "?" + urlencode({"cycle": value})).to_plotly_json()
    assert "filters are invalid" in str(cycle)                         # refused politely
    assert dump(warehouse) == before
