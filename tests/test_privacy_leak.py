"""The leak test: private and embargoed bugs never appear anywhere the dashboard or exports reach.

Worst case on purpose: private bugs are stored WITH their titles, tags and
links (as if ``include_private`` and credentials were configured), and the
policy counts them in aggregates.  Marker strings sit in their titles, tags
and links, and their numbers are distinctive.  Then every page layout, every
registered chart (callback over HTTP, the browser-free view, the embed page),
every KPI row, every CSV download, and ``healthdash export`` in CSV and
Parquet are rendered for several filter sets, and none may contain a marker
or a private bug number.  The chart registry is iterated, so charts added
later are covered without touching this test.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import dash
import plotly
import polars as pl
import pytest
from werkzeug import Response

from bug_fixture import MARKER, PRIVATE_NUMBERS, build
from collectors.base import SourceSpec
from collectors.launchpad import collect as collect_launchpad
from healthdash.dashboard import callbacks as cb
from healthdash.dashboard import charts as registry
from healthdash.dashboard.app import create_app
from healthdash.dashboard.data import Warehouse
from healthdash.dashboard.status import data_view
from healthdash.demo.launchpad_api import LaunchpadEmulator
from healthdash.settings import Settings
from healthdash.warehouse import load_batch, reader, writer
from healthdash.warehouse.load import register_source
from test_launchpad import fixture_bugs

EMULATOR_PRIVATE = ("7391502", "7391506")
SECRETS = (MARKER, *PRIVATE_NUMBERS, *EMULATOR_PRIVATE)
SEARCHES = ("", "?project=example&end=2024-03-31", "?team=Compute&present=1&start=2024-01-01&end=2024-12-31",
            "?project=example&start=2024-03-21&end=2024-03-21",   # the day of private bug E only
            "?org=Vendor+A&kind=bug_fixed&bots=1")
#: A public security bug: the crawl must find it (proof that it sees what it should).
CONTROL = "Bug D title"
TOKEN_ENV = "HD_LEAK_LP_TOKEN"


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def as_text(value) -> str:
    return json.dumps(value, cls=plotly.utils.PlotlyJSONEncoder, default=str)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """Fixture bugs + the real Launchpad collector's private bugs, titles stored, counted."""
    from pytest_httpserver import HTTPServer

    db = build(tmp_path_factory.mktemp("leak") / "w.duckdb", count_private=True, private_details=True)
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        emulator = LaunchpadEmulator(fixture_bugs(), root=server.url_for("/devel"))
        server.expect_request(re.compile(".*")).respond_with_handler(
            lambda r: Response(*_unpack(emulator(r.path, r.args.to_dict(flat=False), dict(r.headers)))))
        spec = SourceSpec("launchpad", "launchpad:leak", server.url_for("/devel"),
                          {"projects": ["example", "other"], "token_env": TOKEN_ENV, "include_private": True})
        mp = pytest.MonkeyPatch()
        mp.setenv(TOKEN_ENV, "healthdash:Tok3nValue:S3cretValue")
        try:
            with writer(db) as con:
                register_source(con, spec.source_id, spec.kind, spec.location)
                for batch in collect_launchpad(spec, None):
                    load_batch(con, spec.source_id, batch)
        finally:
            mp.undo()
    finally:
        server.stop()
    return db


def _unpack(answer):
    status, headers, body = answer
    return body, status, dict(headers)


@pytest.fixture(scope="module")
def app(warehouse):
    return create_app(Settings(path=None, warehouse=warehouse), warehouse=warehouse)


@pytest.fixture(scope="module")
def context(warehouse):
    return cb.DashboardContext(Settings(path=None, warehouse=warehouse), Warehouse(warehouse))


def test_the_secrets_really_are_in_the_warehouse(warehouse):
    """Guard against a test that cannot fail: the planted markers are stored and counted."""
    with reader(warehouse) as con:
        stored = as_text(con.execute("SELECT title, web_link, bug_id FROM bugs WHERE is_private").fetchall())
        counted = con.execute("SELECT count(*) FROM bug_lifecycle WHERE is_private").fetchone()[0]
    assert all(secret in stored for secret in SECRETS)
    assert counted == 4


def test_every_chart_view_and_csv(context):
    charts = registry.load_all()
    assert {"security-open-public", "security-open-by-project", "bugs-backlog"} <= set(charts)
    control_seen = False
    for search in SEARCHES:
        for name in charts:
            view = as_text(cb.chart_view(context, name, search).to_plotly_json())
            if charts[name].figure is None:     # a table comes when it scrolls near: its grid too
                view += as_text(cb.table_view(context, name, search).to_plotly_json())
            csv = cb.chart_csv(context, name, search)["content"]
            assert not leaks(view), (name, search)
            assert not leaks(csv), (name, search)
            control_seen = control_seen or (CONTROL in view and CONTROL in csv)
    assert control_seen, "the public control bug was not found: the crawl would not see a leak either"


def test_every_kpi_row(context):
    pages = {kpi.page for kpi in registry.KPIS.values()} | {"security", "quality", "participation", "overview"}
    for search in SEARCHES:
        for page in pages:
            assert not leaks(as_text(cb.kpi_view(context, page, search))), (page, search)


def _post(app, output_key, output_id, prop, inputs, state, changed=()):
    payload = {"output": output_key, "outputs": {"id": output_id, "property": prop},
               "inputs": inputs, "state": state, "changedPropIds": list(changed)}
    return app.server.test_client().post("/_dash-update-component", json=payload)


def test_every_callback_response_over_http(app):
    for search in SEARCHES[:2]:
        state = [{"id": "url", "property": "search", "value": search}]
        for name in registry.load_all():
            body = {"name": name, "type": "chart-body"}
            response = _post(app, '{"name":["MATCH"],"type":"chart-body"}.children', body, "children",
                             [{"id": body, "property": "id", "value": body}], state)
            assert response.status_code == 200 and not leaks(response.get_data(as_text=True)), (name, search)
            button = {"name": name, "type": "chart-csv"}
            download = {"name": name, "type": "chart-download"}
            response = _post(app, '{"name":["MATCH"],"type":"chart-download"}.data', download, "data",
                             [{"id": button, "property": "n_clicks", "value": 1}], state,
                             changed=[json.dumps(button, separators=(",", ":")) + ".n_clicks"])
            assert response.status_code == 200, (name, search)
            text = response.get_data(as_text=True)
            assert not leaks(text), (name, search)
        for page in ("security", "quality", "participation", "overview"):
            row = {"page": page, "type": "kpi-row"}
            response = _post(app, '{"page":["MATCH"],"type":"kpi-row"}.children', row, "children",
                             [{"id": row, "property": "id", "value": row}], state)
            assert not leaks(response.get_data(as_text=True)), (page, search)


def test_every_page_layout_embed_and_html(app, context):
    client = app.server.test_client()
    for page in dash.page_registry.values():
        for search in SEARCHES:
            query = dict(pair.split("=") for pair in search.lstrip("?").split("&") if pair)
            if page.get("path_template") == "/embed/<chart>":
                for name in registry.load_all():
                    layout = page["layout"](chart=name, **query)
                    assert not leaks(as_text(layout.to_plotly_json())), (name, search)
                    assert not leaks(client.get(f"/embed/{name}{search}").get_data(as_text=True))
                continue
            layout = page["layout"](**query) if callable(page["layout"]) else page["layout"]
            assert not leaks(as_text(layout)), (page["path"], search)
            assert not leaks(client.get(page["path"] + search).get_data(as_text=True)), (page["path"], search)
    assert not leaks(client.get("/_dash-layout").get_data(as_text=True))
    assert not leaks(as_text(data_view(context.warehouse)))


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_healthdash_export_cli(warehouse, tmp_path, fmt):
    config = tmp_path / "healthdash.toml"
    config.write_text(f'warehouse = "{warehouse}"\n')
    for search in SEARCHES[1:2]:
        out = tmp_path / f"out-{fmt}-{len(search)}"
        done = subprocess.run([sys.executable, "-m", "healthdash.cli", "export", "--config", str(config),
                               "--out", str(out), "--format", fmt, "--filter", search.lstrip("?")],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        files = sorted(out.glob(f"*.{fmt}"))
        assert {"security-open-public", "security-advisories", "bugs-backlog"} <= {p.stem for p in files}
        for path in files:
            text = path.read_text() if fmt == "csv" else pl.read_parquet(path).write_csv()
            assert not leaks(text), (path.name, search)
            assert not leaks(path.read_bytes().decode("latin-1")), path.name
