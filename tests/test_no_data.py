"""'No data' is not zero, incomplete sources are said, attribution quality is shown (issue 9, items 4, 7, 8).

Callbacks are called directly on real warehouses built through the loaders.
"""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl

from healthdash.dashboard import callbacks as cb
from healthdash.dashboard import charts as registry
from healthdash.warehouse import load, writer
from conftest import PARTICIPATION_FIXTURE, build_warehouse
from test_dashboard import _context, _text


def _card(cards, name):
    return next(c for c in cards if c.id == f"kpi-{name}")


def test_review_kpis_say_no_data_without_a_review_source_and_count_with_one(tmp_path):
    commits_only = {k: v for k, v in PARTICIPATION_FIXTURE.items() if k not in ("changes", "review_votes")}
    path = build_warehouse(tmp_path / "w.duckdb", commits_only)
    context = _context(path)
    card = _text(_card(cb.kpi_view(context, "security", ""), "security-review-coverage"))
    assert "no data — configure a gerrit or github source" in card and "0%" not in card
    chart = _text(cb.chart_view(context, "review-coverage", ""))
    assert "No data" in chart and "Configure a gerrit or github source to see this chart." in chart
    # coverage and bug KPIs too: their inputs were never collected
    assert "configure a coverage source" in _text(_card(cb.kpi_view(context, "quality", ""), "quality-line-coverage"))
    assert "configure a launchpad or github_issues source" in _text(
        _card(cb.kpi_view(context, "security", ""), "security-kpi-open-security-bugs"))
    # with a review source's data the same card shows a number
    with writer(path) as con:
        for table in ("changes", "review_votes"):
            load.upsert(con, table, PARTICIPATION_FIXTURE[table])
    context = _context(path)
    card = _text(_card(cb.kpi_view(context, "security", ""), "security-review-coverage"))
    assert "no data" not in card and "%" in card


def test_every_chart_and_kpi_with_inputs_names_known_tables():
    registry.load_all()
    for item in [*registry.CHARTS.values(), *registry.KPIS.values()]:
        assert all(t in registry.NEEDS_SOURCES for t in item.needs), item.name
    assert registry.missing_input(("changes",), lambda t: False) == "no data — configure a gerrit or github source"
    assert registry.missing_input(("changes",), lambda t: True) is None


def test_an_http_source_that_failed_part_way_is_announced_on_every_page(participation_warehouse, tmp_path):
    path = build_warehouse(tmp_path / "w.duckdb", PARTICIPATION_FIXTURE)
    context = _context(path)
    assert cb.status_view(context, "/participation", "") is None
    with writer(path) as con:
        load.register_source(con, "gerrit:review", "gerrit", "https://review.example.org")
        load.register_source(con, "git:nova", "git", "/srv/git/nova")
        con.execute("UPDATE sources SET rows_loaded = 500, last_error = 'HTTP 503 from review.example.org'")
    context = _context(path)
    for page in ("/", "/participation", "/quality", "/security", "/data", "/embed/review-coverage"):
        text = _text(cb.status_view(context, page, ""))
        assert "Some sources are incomplete" in text and "gerrit:review" in text
        assert "git:nova" not in text      # a git source is all or nothing: never partial


def test_data_page_shows_the_share_attributed_by_each_rule(participation_warehouse):
    context = _context(participation_warehouse)
    _, _, df = cb.chart_frame(context, "attribution-rules", "")
    got = dict(zip(df["rule"], df["contributions"]))
    # 14 contributions (12 commits incl. zuul's, the merged change, the +2), bots included:
    # affiliation period: erin x2 (Acme, Globex); domain map: alice 3 + merged change + bob 2 + bob's +2
    # + dave 3 = 10; public mail: carol 1; bot: zuul 1.
    assert got == {"affiliation period": 2, "domain map": 10, "unmapped domain": 0, "public mail": 1,
                   "independent": 0, "no email": 0, "bot": 1}
    assert abs(df.filter(pl.col("rule") == "domain map")["share"][0] - 10 / 14) < 1e-9
    _, _, nova = cb.chart_frame(context, "attribution-rules", "?repo=swift")
    assert dict(zip(nova["rule"], nova["contributions"]))["domain map"] == 3   # dave 2 + alice 1


def test_export_writes_no_file_of_zeros_for_a_chart_whose_inputs_were_never_collected(tmp_path):
    from healthdash.export import export_charts
    from healthdash.metrics import Filters
    from healthdash.warehouse import reader

    commits_only = {k: v for k, v in PARTICIPATION_FIXTURE.items() if k not in ("changes", "review_votes")}
    path = build_warehouse(tmp_path / "w.duckdb", commits_only)
    skipped: dict[str, str] = {}
    with reader(path) as con:
        written = export_charts(con, ["review-coverage", "commits-by-org"], Filters(), tmp_path / "out",
                                skipped=skipped)
    assert [p.name for p in written] == ["commits-by-org.csv"]
    assert skipped == {"review-coverage": "no data — configure a gerrit or github source"}
