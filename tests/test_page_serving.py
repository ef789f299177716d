"""Pages arrive whole in one request, views are memoised per warehouse version, and
``healthdash serve`` runs a production WSGI server.

Issue 11: Participation used to make 41 callback requests (two per chart); an area
page is now rendered on the server inside the router's request, every section
computed once per (warehouse file version, chart, filters).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from dash import dcc

from healthdash.dashboard import callbacks as cb
from healthdash.dashboard import charts as registry
from healthdash.dashboard import views
from healthdash.dashboard.app import create_app
from healthdash.dashboard.layout import charts_in_view
from healthdash.warehouse import writer
from conftest import PARTICIPATION_FIXTURE, build_warehouse


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def _ids(layout, kind: str) -> list:
    return [c.id for c in _walk(layout) if isinstance(getattr(c, "id", None), dict) and c.id.get("type") == kind]


@pytest.fixture()
def app(participation_warehouse):
    return create_app(warehouse=participation_warehouse)


def test_area_page_is_rendered_inside_the_request(app, monkeypatch):
    from healthdash.dashboard.pages import participation

    monkeypatch.setattr(views, "PAGE_BUDGET_S", None)          # wait for every section (no timing here)
    with app.server.test_request_context("/participation?team=compute"):
        layout = participation.layout(team="compute")
    names = [chart.name for chart in charts_in_view("participation")]    # the open tab's charts
    # every chart body arrives rendered (no placeholder a callback would fill) ...
    assert sorted(i["name"] for i in _ids(layout, "chart-view")) == sorted(names)
    assert _ids(layout, "chart-body") == [] and _ids(layout, "kpi-row") == []
    assert _ids(layout, "kpi-view") == [{"type": "kpi-view", "page": "participation"}]
    # ... with the same figure the per-chart callback computes, and embed links keeping the filters
    graphs = {c.id["name"]: c for c in _walk(layout) if isinstance(c, dcc.Graph)}
    context = app.server.config["HEALTHDASH_CONTEXT"]
    assert graphs["commits-by-org"].figure == cb.chart_view(context, "commits-by-org", "?team=compute").figure
    links = {c.id["name"]: c.href for c in _walk(layout) if getattr(c, "id", None)
             and isinstance(c.id, dict) and c.id.get("type") == "chart-embed"}
    assert links["commits-by-org"] == "/embed/commits-by-org?team=compute"


def test_sections_not_ready_in_time_are_placeholders_filled_by_the_same_computation(app, monkeypatch):
    from healthdash.dashboard.pages import participation

    monkeypatch.setattr(views, "PAGE_BUDGET_S", 0)             # nothing is ready at once on a cold app
    with app.server.test_request_context("/participation?bots=1"):
        layout = participation.layout(bots="1")
    pending = [i["name"] for i in _ids(layout, "chart-body")]     # a placeholder inside its card's view
    rendered = [i["name"] for i in _ids(layout, "chart-view") if i["name"] not in pending]
    assert sorted(pending + rendered) == sorted(c.name for c in charts_in_view("participation"))
    assert pending                                            # a cold page cannot be done in 0 s
    context = app.server.config["HEALTHDASH_CONTEXT"]
    first = cb.chart_view(context, pending[0], "?bots=1")      # the callback waits for the running render
    assert cb.chart_view(context, pending[0], "?bots=1") is first
    # a second render finds the memoised sections
    monkeypatch.setattr(views, "PAGE_BUDGET_S", None)
    with app.server.test_request_context("/participation?bots=1"):
        again = participation.layout(bots="1")
    assert _ids(again, "chart-body") == []


def test_outside_a_request_the_page_has_placeholders(app):
    from healthdash.dashboard.layout import area_page

    layout = area_page("participation", "Participation", "intro", "the git collector")
    assert len(_ids(layout, "chart-body")) == len(registry.for_page("participation"))   # no tabs given
    assert all(not c.children for c in _walk(layout)
               if isinstance(getattr(c, "id", None), dict) and c.id.get("type") == "chart-body")


def test_views_are_memoised_until_the_warehouse_file_changes(tmp_path):
    path = build_warehouse(tmp_path / "own.duckdb", PARTICIPATION_FIXTURE)   # this test rewrites it
    context = create_app(warehouse=path).server.config["HEALTHDASH_CONTEXT"]
    first = cb.chart_view(context, "commits-by-org", "")
    assert cb.chart_view(context, "commits-by-org", "") is first          # memoised
    assert cb.chart_view(context, "commits-by-org", "?team=compute") is not first
    kpis = cb.kpi_view(context, "participation", "")
    assert cb.kpi_view(context, "participation", "") is kpis
    time.sleep(0.01)
    with writer(path) as con:                                             # a collection swaps a new file in
        con.execute("DELETE FROM commits WHERE repo = 'swift'")
    changed = cb.chart_view(context, "commits-by-org", "")
    assert changed is not first
    # 12 commits, zuul's is a bot's (excluded): 11 plotted before; swift's 3 (dave 2, alice 1)
    # are gone: 11 - 3 = 8 left in the CSV of what the chart plots
    assert sum(int(line.rsplit(",", 1)[1]) for line in
               cb.chart_csv(context, "commits-by-org", "")["content"].splitlines()[1:]) == 8
    assert cb.kpi_view(context, "participation", "") is not kpis


def test_page_views_computes_kpis_of_several_pages_and_every_chart(app, monkeypatch):
    monkeypatch.setattr(views, "PAGE_BUDGET_S", None)
    context = app.server.config["HEALTHDASH_CONTEXT"]
    cards, bodies = cb.page_views(context, "participation", "", kpi_pages=["participation", "quality"])
    assert set(cards) == {"participation", "quality"}
    assert set(bodies) == {chart.name for chart in registry.for_page("participation")}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_waitress_not_the_development_server(participation_warehouse, tmp_path):
    config = tmp_path / "healthdash.toml"
    config.write_text(f"warehouse = '{participation_warehouse}'\n")
    port = _free_port()
    healthdash = Path(sys.executable).with_name("healthdash")
    proc = subprocess.Popen([str(healthdash), "serve", "--config", str(config), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/participation", timeout=5) as response:
                    assert response.status == 200
                    assert response.headers["Server"] == "healthdash"       # waitress, named
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"server did not start: {proc.stdout.read()}") from None
                time.sleep(0.3)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0]
    assert "development server" not in output.lower()


class _NotMemoised(Exception):
    pass


def _memoised(context, key: tuple) -> bool:
    """True when ``key`` is memoised for the current warehouse file (nothing is computed)."""
    def fail():
        raise _NotMemoised

    try:
        context.warehouse.memo(key, fail)
        return True
    except _NotMemoised:
        return False


def test_serve_warms_every_default_view_and_again_after_a_collection(tmp_path):
    from healthdash.dashboard.warmup import default_views, start_warmer

    path = build_warehouse(tmp_path / "warm.duckdb", PARTICIPATION_FIXTURE)
    context = create_app(warehouse=path).server.config["HEALTHDASH_CONTEXT"]
    views = default_views()
    assert ("chart", "scorecard") in views and ("kpis", "participation") in views
    assert not _memoised(context, ("chart-view", "commits-by-org", ""))
    stop = start_warmer(context, poll_s=0.05)
    try:
        deadline = time.monotonic() + 120
        while not all(_memoised(context, ("chart-view", name, "")) for kind, name in views if kind == "chart"):
            assert time.monotonic() < deadline, "the warm-up did not finish"
            time.sleep(0.1)
        assert _memoised(context, ("kpi-view", "participation", ""))
        time.sleep(0.01)
        with writer(path) as con:                       # a collection swaps a new file in: memo emptied ...
            con.execute("DELETE FROM commits WHERE repo = 'swift'")
        while not _memoised(context, ("chart-view", "commits-by-org", "")):   # ... and warmed again
            assert time.monotonic() < deadline, "no warm-up after the collection"
            time.sleep(0.1)
    finally:
        stop.set()
    # the warmed view is the new file's: 11 commits plotted before, swift's 3 gone (see above)
    assert sum(int(line.rsplit(",", 1)[1]) for line in
               cb.chart_csv(context, "commits-by-org", "")["content"].splitlines()[1:]) == 8


def test_a_repeated_callback_request_is_answered_from_memory_until_the_file_changes(tmp_path, monkeypatch):
    import json as jsonlib

    path = build_warehouse(tmp_path / "cache.duckdb", PARTICIPATION_FIXTURE)
    app = create_app(warehouse=path)
    body = {"name": "commits-by-org", "type": "chart-body"}
    payload = {"output": '{"name":["MATCH"],"type":"chart-body"}.children',
               "outputs": {"id": body, "property": "children"}, "changedPropIds": [],
               "inputs": [{"id": body, "property": "id", "value": body}],
               "state": [{"id": "url", "property": "search", "value": "?team=compute"}]}
    client = app.server.test_client()
    first = client.post("/_dash-update-component", json=payload)
    assert first.status_code == 200

    def broken(*_args):
        raise AssertionError("computed again")

    monkeypatch.setattr(cb, "chart_body", broken)           # any recomputation would now fail
    again = client.post("/_dash-update-component", json=payload)
    assert again.status_code == 200 and again.data == first.data
    assert again.headers["Content-Security-Policy"].startswith("frame-ancestors")   # still hardened
    monkeypatch.undo()
    time.sleep(0.01)
    with writer(path) as con:                               # a collection swaps a new file in
        con.execute("DELETE FROM commits WHERE repo = 'nova'")
    fresh = client.post("/_dash-update-component", json=payload)
    assert fresh.status_code == 200 and fresh.data != first.data
    graph, _caption = fresh.get_json()["response"][jsonlib.dumps(body, separators=(",", ":"))]["children"]
    # compute's 8 commits (Acme 3, Globex 3, Independent 1, Initech 1): nova's 6 gone (the bot's 7th is not
    # counted), python-novaclient's 2 are left: bob (Globex) 1 and dave (Initech) 1
    assert {t["name"]: sum(t["y"]) for t in graph["props"]["figure"]["data"]} == {"Globex": 1, "Initech": 1}
