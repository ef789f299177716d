"""Dashboard: app wiring, callbacks called directly and over HTTP, friendly states.

Numbers are checked against the conftest fixture (arithmetic in
tests/test_participation_metrics.py): team=compute has 8 non-merge human
commits, Acme 3, Globex 3, Independent 1, Initech 1.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import dash
import polars as pl
import pytest
from dash import dcc

from healthdash.dashboard import callbacks as cb
from healthdash.dashboard import charts as registry
from healthdash.assets import assets_dir
from healthdash.dashboard.app import create_app
from healthdash.dashboard.data import Warehouse, metric_frame
from healthdash.dashboard.status import data_view
from healthdash.export import csv_text
from healthdash.settings import Settings
from healthdash.warehouse import load, reader, writer


def _context(path) -> cb.DashboardContext:
    return cb.DashboardContext(Settings(path=None, warehouse=path), Warehouse(path))


def _find(component, component_id):
    """The component with ``component_id`` inside a Dash component tree (or None)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def _text(component) -> str:
    """All text inside a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


@pytest.fixture(scope="module")
def app(participation_warehouse):
    return create_app(warehouse=participation_warehouse)


@pytest.fixture()
def context(participation_warehouse):
    return _context(participation_warehouse)


def test_app_registers_every_page_and_serves_its_stylesheet(app):
    paths = {page["path"] for page in dash.page_registry.values()}
    assert {"/", "/participation", "/quality", "/security", "/commonality", "/consistency", "/data",
            "/404"} <= paths
    assert any(page.get("path_template") == "/embed/<chart>" for page in dash.page_registry.values())
    client = app.server.test_client()
    assert client.get("/participation?team=compute").status_code == 200
    css = client.get("/assets/healthdash.css")
    assert css.status_code == 200 and b".chart-card" in css.data
    assert (assets_dir() / "healthdash.css").exists() and assets_dir().parent.name != "dashboard"


def _post(app, output_key, output_id, prop, inputs, state):
    payload = {"output": output_key, "outputs": {"id": output_id, "property": prop},
               "inputs": inputs, "state": state, "changedPropIds": []}
    return app.server.test_client().post("/_dash-update-component", json=payload)


def test_chart_callback_over_http_returns_the_plotted_figure(app):
    body = {"name": "commits-by-org", "type": "chart-body"}
    response = _post(app, '{"name":["MATCH"],"type":"chart-body"}.children', body, "children",
                     [{"id": body, "property": "id", "value": body}],
                     [{"id": "url", "property": "search", "value": "?team=compute"}])
    assert response.status_code == 200
    graph, caption = response.get_json()["response"][json.dumps(body, separators=(",", ":"))]["children"]
    traces = graph["props"]["figure"]["data"]
    totals = {t["name"]: sum(t["y"]) for t in traces}
    assert totals == {"Acme": 3, "Globex": 3, "Independent": 1, "Initech": 1}
    # The slide caption: filters and period, then where the numbers end (the last commit, 25 Mar 2024).
    filters, source = [span["props"]["children"] for span in caption["props"]["children"]]
    assert filters == "Team: compute · all data to 25 Mar 2024"
    assert source == "data to 25 Mar 2024 · healthdash"


def test_csv_is_exactly_the_plotted_frame(context):
    graph = cb.chart_view(context, "commits-by-org", "?team=compute")
    assert isinstance(graph, dcc.Graph)
    plotted = {(t.name, str(x)[:10]): y for t in graph.figure.data for x, y in zip(t.x, t.y)}
    download = cb.chart_csv(context, "commits-by-org", "?team=compute")
    # Named for what it holds: chart, filters, the day the numbers run to (the last commit).
    assert download["filename"] == "commits-by-org-team-compute-2024-03-25.csv"
    assert download["type"] == "text/csv;charset=utf-8" and download["content"].startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(download["content"].removeprefix("\ufeff"))))
    assert {(r["org"], r["month"]): int(r["commits"]) for r in rows} == plotted
    # ... and it is the metric frame itself, through the one CSV writer.
    chart = registry.load_all()["commits-by-org"]
    frame = metric_frame(chart, cb.filters_from("?team=compute"), warehouse=context.warehouse)
    assert download["content"] == csv_text(frame)


def test_top_organisations_bar_labels_value_and_share(context):
    graph = cb.chart_view(context, "top-organisations", "")
    bar = graph.figure.data[0]
    # 13 contributions: Acme 5 (38%), Globex 4 (31%), Initech 3 (23%), Independent 1 (8%).
    assert list(bar.y) == ["Acme", "Globex", "Initech", "Independent"]
    assert list(bar.text) == ["5 (38%)", "4 (31%)", "3 (23%)", "1 (8%)"]


def test_kpis_are_formatted_from_one_summary_row(context):
    cards = cb.kpi_view(context, "participation", "?team=compute")
    text = {card.id: _text(card) for card in cards}
    # compute: 10 contributions (8 commits + merged change + +2); 5 people; Acme 4 = 40%; carol 1 = 10%.
    assert text["kpi-participation-contributors"].startswith("5 Contributors")
    assert text["kpi-participation-organisations"].startswith("3 Organisations")
    assert text["kpi-participation-top-org-share"] == "40% Top organisation share Acme"
    assert text["kpi-participation-independent-share"].startswith("10%")


def test_bad_filter_gives_one_friendly_sentence(context):
    status = cb.status_view(context, "/participation", "?start=yesterday")
    assert "start='yesterday' is not a date" in _text(status)
    note = cb.chart_view(context, "commits-by-org", "?start=yesterday")
    assert "filters are invalid" in _text(note)
    assert "kind='nonsense' is not one of" in _text(cb.status_view(context, "/", "?kind=nonsense"))
    with pytest.raises(Exception, match="not a date"):
        cb.chart_csv(context, "commits-by-org", "?start=yesterday")


def test_unknown_cycle_and_unknown_chart_are_friendly(context):
    assert "unknown release cycle 'nope'" in _text(cb.status_view(context, "/participation", "?cycle=nope"))
    assert "filters are invalid" in _text(cb.chart_view(context, "commits-by-org", "?cycle=nope"))
    assert "no chart called 'nope'" in _text(cb.chart_view(context, "nope", ""))


def test_empty_filter_result_shows_the_charts_message(context):
    graph = cb.chart_view(context, "commits-by-org", "?org=Nobody")
    assert graph.figure.layout.meta == {"empty": True}
    assert graph.figure.layout.annotations[0].text == "No commits for these filters."


def test_missing_warehouse_is_a_friendly_state(tmp_path):
    context = _context(tmp_path / "nothing.duckdb")
    assert "No data yet" in _text(cb.status_view(context, "/", ""))
    view = cb.chart_view(context, "commits-by-org", "")
    assert "no data collected yet" in _text(view) and "healthdash collect" in _text(view)
    assert "healthdash collect" in _text(data_view(context.warehouse))
    assert cb.choices(context) == {"team": [], "project": [], "repo": [], "org": [], "cycle": []}


def test_empty_warehouse_says_nothing_was_collected(empty_warehouse):
    context = _context(empty_warehouse)
    assert "No data collected yet" in _text(cb.status_view(context, "/participation", ""))
    assert cb.chart_view(context, "top-organisations", "").figure.layout.meta == {"empty": True}


def test_warehouse_reopens_when_a_collection_swaps_the_file(tmp_path):
    from conftest import PARTICIPATION_FIXTURE, build_warehouse

    path = build_warehouse(tmp_path / "swap.duckdb", PARTICIPATION_FIXTURE)
    context = _context(path)
    assert cb.kpi_view(context, "participation", "")[0].children[0].children == "5"
    when = datetime(2024, 3, 30, 12, tzinfo=timezone.utc)
    with writer(path) as con:  # a new person commits: staging copy swapped in atomically
        load.upsert(con, "identities", pl.DataFrame({"identity_id": ["git:frank"], "source": ["git"],
                                                     "email": ["frank@initech.com"]}))
        load.upsert(con, "commits", pl.DataFrame({
            "repo": ["swift"], "sha": ["f" * 40], "is_merge": [False], "author_identity": ["git:frank"],
            "author_date": [when], "committer_identity": ["git:frank"], "commit_date": [when]}))
        # Mid-collection the dashboard keeps serving the old numbers (the writer works on a copy).
        assert cb.kpi_view(context, "participation", "?bots=1")[0].children[0].children == "6"  # + zuul
        assert cb.kpi_view(context, "participation", "")[0].children[0].children == "5"
    assert cb.kpi_view(context, "participation", "")[0].children[0].children == "6"


def test_data_page_lists_sources_and_highlights_errors(tmp_path):
    from conftest import PARTICIPATION_FIXTURE, build_warehouse

    path = build_warehouse(tmp_path / "src.duckdb", {**PARTICIPATION_FIXTURE, "sources": pl.DataFrame({
        "source_id": ["git:nova", "gerrit:review"], "kind": ["git", "gerrit"],
        "location": ["/src/nova", "https://review.example.org"],
        "last_error": [None, "HTTP 503 from review.example.org"], "rows_loaded": [12, 0]})})
    view = data_view(Warehouse(path))
    table = _find(view, "data-sources")
    assert [r["source"] for r in table.rowData] == ["gerrit:review", "git:nova"]
    assert table.rowData[0]["last_error"] == "HTTP 503 from review.example.org"
    # rows with an error are highlighted
    assert table.getRowStyle["styleConditions"][0]["condition"] == "params.data && params.data['last_error']"
    assert "1 with errors" in _text(view)
    counts = _find(view, "data-counts")
    assert {r["table"]: r["rows"] for r in counts.rowData}["commits"] == 13


def test_embed_page_layout_and_unknown_chart(app):
    embed = dash.page_registry["healthdash.dashboard.pages.embed"]["layout"]
    assert "no chart called 'nope'" in _text(embed(chart="nope"))
    # The title goes onto the slide too.
    assert _text(embed(chart="commits-by-org", present="1").children[0]) == "Commits by organisation"
    assert cb.embed_href("commits-by-org", "?team=compute") == "/embed/commits-by-org?team=compute"


def test_area_page_without_charts_says_what_brings_them(app):
    from healthdash.dashboard.layout import area_page

    assert not registry.for_page("no-such-area")
    text = _text(area_page("no-such-area", "Nowhere", "Intro.", "the nowhere collector"))
    assert "Nothing to show here yet" in text and "arrive with the nowhere collector" in text


def test_project_and_repo_choices_follow_the_chosen_team(context):
    # compute owns project nova (repos nova, python-novaclient); storage owns swift.
    assert cb.narrowed_choices(context, ["compute"], None) == (["nova"], ["nova", "python-novaclient"])
    assert cb.narrowed_choices(context, [], ["swift"]) == (["nova", "swift"], ["swift"])
    assert cb.narrowed_choices(context, None, None)[1] == ["nova", "python-novaclient", "swift"]


def test_a_link_naming_an_unknown_team_keeps_it_visible(context):
    offered = cb.filter_options(context, {"team": ["Compute"], "cycle": "2024.1"})
    # "Compute" is not a team here (teams are compute, storage): offered anyway, so the dropdown
    # keeps showing it and the charts say there is no data, rather than silently showing everything.
    assert offered["team"] == ["compute", "storage", "Compute"]
    assert offered["project"] == [] and offered["repo"] == []
    assert offered["cycle"] == ["2024.1"]
    banner = _text(cb.status_view(context, "/participation", "?team=Compute&team=compute"))
    assert "No team called 'Compute' (known: compute, storage)" in banner


def test_an_unexpected_error_in_a_metric_becomes_a_panel(context, caplog):
    def broken(con, filters):
        raise RuntimeError("division by zero deep inside")

    registry.register(registry.Chart(name="test-broken", title="Broken", page="test-only", metric=broken,
                                     figure=None))
    try:
        view = cb.chart_view(context, "test-broken", "")
    finally:
        registry.CHARTS.pop("test-broken")
    assert "Something went wrong" in _text(view)
    assert "division by zero" not in _text(view)  # details go to the server log, not the page
    assert "division by zero" in caplog.text


def test_root_app_module_exposes_a_wsgi_server(tmp_path, participation_warehouse):
    import os
    import subprocess
    import sys
    from pathlib import Path

    config = tmp_path / "healthdash.toml"
    config.write_text(f'warehouse = "{participation_warehouse}"\n', encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    code = ("import app; c = app.server.test_client(); r = c.get('/participation'); "
            "print(type(app.server).__name__, r.status_code)")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "HEALTHDASH_CONFIG": str(config)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == ["Flask", "200"]


def test_an_unhandled_callback_error_shows_the_friendly_panel(app):
    body = {"name": "commits-by-org", "type": "chart-body"}
    # A malformed request (the input's id lacks its name) fails inside the callback wrapper:
    # on_error answers with the friendly panel in "app-error" and leaves the chart unchanged.
    response = _post(app, '{"name":["MATCH"],"type":"chart-body"}.children', body, "children",
                     [{"id": body, "property": "id", "value": {"type": "chart-body"}}],
                     [{"id": "url", "property": "search", "value": ""}])
    assert response.status_code in (200, 204)
    side = response.get_json()["sideUpdate"]
    assert "Something went wrong" in json.dumps(side["app-error"])
    assert "KeyError" not in json.dumps(response.get_json())


def test_overview_links_keep_the_filters(app):
    overview = dash.page_registry["healthdash.dashboard.pages.overview"]["layout"]
    page = overview(team=["compute", "storage"], bots="1")
    links = [c.href for c in _walk(page) if getattr(c, "href", None)]
    assert "/participation?team=compute&team=storage&bots=1" in links


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            yield from _walk(child)


def test_filter_summary_for_slides():
    assert cb.filter_summary("") == "All teams · all time"
    assert cb.filter_summary("?team=compute&team=storage&cycle=2024.1&bots=1&present=1") == (
        "Teams: compute, storage · Release cycle 2024.1: all time · bots included")
    assert cb.filter_summary("?start=2024-01-01&kind=bug_filed") == "All teams · Bugs filed · from 1 Jan 2024"


def test_a_broken_figure_builder_or_kpi_metric_stays_inside_its_card(context):
    def boom(*_args):
        raise ValueError("bad builder")

    good = registry.load_all()["commits-by-org"]
    registry.register(registry.Chart(name="test-bad-figure", title="Bad", page="test-only",
                                     metric=good.metric, figure=boom))
    registry.register_kpi(registry.Kpi(name="test-bad-kpi", page="participation", label="Broken",
                                       metric=boom, column="x", order=999))
    try:
        assert "Something went wrong" in _text(cb.chart_view(context, "test-bad-figure", ""))
        cards = cb.kpi_view(context, "participation", "")
    finally:
        registry.CHARTS.pop("test-bad-figure")
        registry.KPIS.pop("test-bad-kpi")
    text = {card.id: _text(card) for card in cards}
    assert text["kpi-participation-contributors"].startswith("5 ")  # the good KPIs still show
    assert text["kpi-test-bad-kpi"].startswith("– Broken unavailable")


def test_the_filter_bar_sends_options_only_when_they_differ_from_the_shells(context):
    no_update = cb.no_update
    keys = list(cb._OPTION_KEYS)                          # team, project, repo, org, cycle
    summary, status, *options, custom = cb.chrome_view(context, "/participation", "")
    assert summary == "All teams · all time" and custom == []
    assert all(o is no_update for o in options)           # the shell already holds every full list
    # team=compute narrows projects to nova and repositories to nova's two: sent, and remembered
    summary, status, *options, custom = cb.chrome_view(context, "/participation", "?team=compute")
    assert custom == ["project", "repo"]
    assert [o["value"] for o in options[keys.index("project")]] == ["nova"]
    assert [o["value"] for o in options[keys.index("repo")]] == ["nova", "python-novaclient"]
    assert options[keys.index("team")] is no_update and options[keys.index("org")] is no_update
    # the team cleared: the narrowed dropdowns get their full lists back, once
    summary, status, *options, custom = cb.chrome_view(context, "/participation", "", custom)
    assert custom == []
    assert [o["value"] for o in options[keys.index("repo")]] == ["nova", "python-novaclient", "swift"]
    assert options[keys.index("team")] is no_update


ONE_KIND_OF_EVENT = {   # rows giving exactly one of the views contribution_events unites a row
    "commit_events": {"commits": {"repo": ["r"], "sha": ["a" * 40], "is_merge": [False],
                                  "author_identity": ["git:x"], "author_date": [datetime(2024, 1, 2, tzinfo=timezone.utc)],
                                  "committer_identity": ["git:x"],
                                  "commit_date": [datetime(2024, 1, 2, tzinfo=timezone.utc)]}},
    "change_events": {"changes": {"source": ["gerrit"], "change_key": ["c1"], "repo": ["r"],
                                  "owner_identity": ["gerrit:x"], "created": [datetime(2024, 1, 2, tzinfo=timezone.utc)]}},
    "review_events": {"changes": {"source": ["gerrit"], "change_key": ["c1"], "repo": ["r"]},   # no owner: no change event
                      "review_votes": {"source": ["gerrit"], "change_key": ["c1"], "reviewer_identity": ["gerrit:y"],
                                       "patch_set": [1], "label": ["Code-Review"], "value": [1],
                                       "voted_at": [datetime(2024, 1, 3, tzinfo=timezone.utc)]}},
    "bug_events": {"bugs": {"source": ["launchpad"], "bug_key": ["1"], "project": ["p"], "reporter_identity": ["lp:x"],
                            "created": [datetime(2024, 1, 2, tzinfo=timezone.utc)], "is_security": [False],
                            "is_private": [False]}},
}


@pytest.mark.parametrize("kind", [None, *ONE_KIND_OF_EVENT])
def test_is_empty_asks_each_kind_of_contribution(empty_warehouse, tmp_path, kind):
    """Warehouse.is_empty asks the views of contribution_events one at a time: a warehouse holding
    only one kind of contribution is not empty, exactly as the union says."""
    import shutil  # noqa: PLC0415

    path = tmp_path / "w.duckdb"
    shutil.copyfile(empty_warehouse, path)
    with writer(path) as con:
        for table, rows in ONE_KIND_OF_EVENT.get(kind, {}).items():
            load.upsert(con, table, pl.DataFrame(rows))
    with reader(path) as con:
        union_empty = con.execute("SELECT NOT EXISTS (SELECT 1 FROM contribution_events)").fetchall()[0][0]
        filled = [view for view in ONE_KIND_OF_EVENT
                  if con.execute(f"SELECT EXISTS (SELECT 1 FROM {view})").fetchall()[0][0]]
    assert filled == ([kind] if kind else [])
    assert Warehouse(path).is_empty() is union_empty is (kind is None)


def test_a_long_choice_list_is_listed_in_part_and_searched_on_the_server(context, monkeypatch):
    import healthdash.dashboard.components as components
    # listed(): the first MAX_LISTED matches (any case), then chosen values they lack, once each
    monkeypatch.setattr(components, "MAX_LISTED", 2)
    assert components.listed(["a1", "b2", "c3", "A4"]) == ["a1", "b2"]
    assert components.listed(["a1", "b2", "c3", "A4"], ["c3", "c3"]) == ["a1", "b2", "c3"]
    assert components.listed(["a1", "b2", "c3", "A4"], [], "a") == ["a1", "A4"]
    # The repositories here are nova, python-novaclient and swift: three, over a limit of one.
    monkeypatch.setattr(components, "MAX_LISTED", 1)
    monkeypatch.setattr(cb, "MAX_LISTED", 1)
    values = lambda options: [o["value"] for o in options]  # noqa: E731
    assert values(cb.searched_options(context, "repo", "SWI", None, "")) == ["swift"]
    # the chosen repository stays among the options, whatever is typed
    assert values(cb.searched_options(context, "repo", "nova", ["swift"], "")) == ["nova", "swift"]
    # the URL's other filters narrow the search: compute's repositories are nova and python-novaclient
    assert values(cb.searched_options(context, "repo", "client", None, "?team=compute")) == ["python-novaclient"]
    assert values(cb.searched_options(context, "repo", "swift", None, "?team=compute")) == []
    # nothing typed yet, or a list the dropdown holds whole: no request answer needed
    assert cb.searched_options(context, "repo", None, None, "") is cb.no_update
    monkeypatch.setattr(cb, "MAX_LISTED", 100)
    assert cb.searched_options(context, "repo", "swi", None, "") is cb.no_update
