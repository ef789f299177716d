"""Strategic contributions (issue 13, item 1) against the hand-counted community of
tests/strategic_community.py, the chart and page, and an independent check
against ``git log --numstat`` on a real repository.

Hand counts (bots excluded: zuul's commit is not counted anywhere):

Acme (a1, a2): commits #1 #2 #3, reviews a2@101 a1@102 a2@103, merged 101, filed bug 3, fixed bug 1
  = 9 contributions.  common: commit #3, review a2@103, bug 3 (project oslo.config) = 3/9;
  tests: lines #1 100 (60 test) + #2 20 (0) + #3 20 (10) = 70/140 = 0.5;
  reviews of others: a1@102 (owner Globex) = 1/9 (a2@101 and a2@103 are on Acme's own changes);
  bug fixes: bug 1 = 1/9; security: a1@102 (the advisory's fix) = 1/9;
  any: #3, a2@103, bug 3, a1@102, bug 1 = 5/9.
Globex (g1): commit #4, +2 g1@101, merged 102, filed bug 1, fixed bug 2 = 5.
  common 0/5; tests 0/8 lines; others: g1@101 (owner Acme) = 1/5; bug fixes: bug 2 = 1/5;
  security: merged 102 (advisory fix) + fixed bug 2 (security) = 2/5;
  consistency: commit #4 changes support-matrix.ini = 1/5 only when a feature matrix is collected;
  any: g1@101, 102, bug 2 = 3/5 (4/5 with the matrix).
Independent (p1): commit #5, reviews p1@102 p1@103, filed bug 2 = 4.
  common: p1@103 = 1/4; tests: conftest.py 10/10 = 1.0; others: both reviews = 2/4;
  bug fixes 0/4; security: p1@102 + bug 2 (security) = 2/4; any: p1@102, p1@103, bug 2 = 3/4.
Community: 18 contributions; common 4/18, tests 80/158, others 4/18, bug fixes 2/18,
  security 5/18, any 11/18 (12/18 with the matrix), consistency no data (1/18 with the matrix).
Per cycle: 2024.2 (from 2024-04-01) holds only p1's commit #5 (tests only): any = 0/1;
  2024.1 holds the rest: Acme 5/9, Globex 3/5, Independent 3/3, community 11/17.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from pathlib import Path

import duckdb
import polars as pl
import pytest

from healthdash.dashboard.charts import load_all
from healthdash.dashboard.charts.strategic import ranked_figure, trend_figure
from healthdash.metrics import Filters, strategic
import strategic_community
from gitrepo import make_repo


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return strategic_community.build(tmp_path_factory.mktemp("strategic") / "s.duckdb")


@pytest.fixture(scope="module")
def warehouse_with_matrix(tmp_path_factory) -> Path:
    return strategic_community.build(tmp_path_factory.mktemp("strategic-m") / "s.duckdb", feature_matrix=True)


def _con(path: Path):
    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    return con


def _cells(frame: pl.DataFrame, unit: str = "org") -> dict[tuple[str, str], tuple]:
    return {(r[unit], r["category"]): (r["contributions"], r["total"]) for r in frame.iter_rows(named=True)}


def test_shares_per_organisation_match_the_hand_counts(warehouse):
    with _con(warehouse) as con:
        frame = strategic.by_org(con)
    cells = _cells(frame)
    assert cells[("Acme", "strategic")] == (5, 9)
    assert cells[("Acme", "common_libraries")] == (3, 9)
    assert cells[("Acme", "tests")] == (70, 140)
    assert cells[("Acme", "cross_org_reviews")] == (1, 9)
    assert cells[("Acme", "bug_fixes")] == (1, 9)
    assert cells[("Acme", "security")] == (1, 9)
    assert cells[("Globex", "strategic")] == (3, 5)
    assert cells[("Globex", "common_libraries")] == (0, 5)
    assert cells[("Globex", "tests")] == (0, 8)
    assert cells[("Globex", "cross_org_reviews")] == (1, 5)
    assert cells[("Globex", "bug_fixes")] == (1, 5)
    assert cells[("Globex", "security")] == (2, 5)
    assert cells[("Independent", "strategic")] == (3, 4)
    assert cells[("Independent", "common_libraries")] == (1, 4)
    assert cells[("Independent", "tests")] == (10, 10)
    assert cells[("Independent", "cross_org_reviews")] == (2, 4)
    assert cells[("Independent", "security")] == (2, 4)
    assert cells[("Community", "strategic")] == (11, 18)
    assert cells[("Community", "tests")] == (80, 158)
    assert cells[("Community", "security")] == (5, 18)
    row = frame.filter((pl.col("org") == "Acme") & (pl.col("category") == "strategic")).row(0, named=True)
    assert row["share"] == pytest.approx(5 / 9)
    assert row["community_share"] == pytest.approx(11 / 18)
    assert row["difference"] == pytest.approx(5 / 9 - 11 / 18)
    tests = frame.filter((pl.col("org") == "Community") & (pl.col("category") == "tests")).row(0, named=True)
    assert tests["share"] == pytest.approx(80 / 158)


def test_consistency_is_no_data_until_a_feature_matrix_exists(warehouse, warehouse_with_matrix):
    with _con(warehouse) as con:
        without = strategic.by_org(con).filter(pl.col("category") == "consistency")
    assert without["contributions"].null_count() == without.height        # no data, never 0
    assert without["share"].null_count() == without.height
    assert set(without["note"].to_list()) == {"no data: no feature matrix collected"}
    with _con(warehouse_with_matrix) as con:
        cells = _cells(strategic.by_org(con))
    assert cells[("Globex", "consistency")] == (1, 5)
    assert cells[("Acme", "consistency")] == (0, 9)
    assert cells[("Community", "consistency")] == (1, 18)
    assert cells[("Globex", "strategic")] == (4, 5)
    assert cells[("Community", "strategic")] == (12, 18)


def test_trend_per_release_cycle(warehouse):
    with _con(warehouse) as con:
        frame = strategic.by_cycle(con)
    cells = {(r["cycle"], r["org"]): (r["contributions"], r["total"]) for r in frame.iter_rows(named=True)}
    assert cells[("2024.1", "Acme")] == (5, 9)
    assert cells[("2024.1", "Globex")] == (3, 5)
    assert cells[("2024.1", "Independent")] == (3, 3)
    assert cells[("2024.1", "Community")] == (11, 17)
    assert cells[("2024.2", "Independent")] == (0, 1)
    assert cells[("2024.2", "Community")] == (0, 1)
    assert set(frame["category"].to_list()) == {"strategic"}
    # the data ends 2024-04-10, inside 2024.2: that cycle is in progress, 2024.1 is not
    progress = dict(zip(frame["cycle"].to_list(), frame["in_progress"].to_list()))
    assert progress == {"2024.1": False, "2024.2": True}


def test_filters_and_top_n_narrow_the_units(warehouse):
    with _con(warehouse) as con:
        compute = _cells(strategic.by_org(con, Filters(team=("compute",))))
        top1 = strategic.by_org(con, top_n=1)
    # compute (nova) drops commit #3, review a2@103, review p1@103, bug 3 (oslo.config):
    # all four were strategic (common libraries): Acme 9 - 3 = 6 with 0 common;
    # community 18 - 4 = 14 contributions, 11 - 4 = 7 strategic
    assert compute[("Acme", "common_libraries")] == (0, 6)
    assert compute[("Community", "strategic")] == (7, 14)
    assert set(top1["org"].to_list()) == {"Acme", "Community"}            # Acme has most (9)
    with _con(warehouse) as con:
        globex = _cells(strategic.by_org(con, Filters(org=("Globex",)), top_n=1))
    # the organisation filter picks Globex (not in the top 1); the community stays everyone
    assert {org for org, _ in globex} == {"Globex", "Community"}
    assert globex[("Globex", "strategic")] == (3, 5) and globex[("Community", "strategic")] == (11, 18)


def test_person_view(warehouse):
    with _con(warehouse) as con:
        frame = strategic.for_person(con, person="email:a1@acme.com")
    cells = _cells(frame, "person_id")
    # a1: commits #1 #3, review a1@102, merged 101, filed bug 3 = 5; common #3 + bug 3;
    # tests (60 + 10) / (100 + 20); any: #3, bug 3, a1@102 = 3
    assert cells[("email:a1@acme.com", "strategic")] == (3, 5)
    assert cells[("email:a1@acme.com", "common_libraries")] == (2, 5)
    assert cells[("email:a1@acme.com", "tests")] == (70, 120)
    assert cells[("Community", "strategic")] == (11, 18)
    assert set(frame["person_id"].to_list()) == {"email:a1@acme.com", "Community"}


def test_chart_registered_and_figures(warehouse):
    charts = load_all()
    assert {"strategic-contributions", "strategic-trend"} <= set(charts)
    with _con(warehouse) as con:
        ranked = ranked_figure(strategic.by_org(con))
        trend = trend_figure(strategic.by_cycle(con))
    heat = ranked.data[0]
    assert list(heat.y)[0] == "<b>Community</b>"
    assert [y.split(" (")[0] for y in heat.y[1:]] == ["Independent", "Globex", "Acme"]   # 3/4, 3/5, 5/9
    labels = list(heat.x)
    assert labels[0] == "Any strategic work" and labels[-1] == "Consistency"
    row = list(heat.y).index("Globex (5)")
    assert heat.text[row][labels.index("Security")] == "40%"
    assert heat.text[row][labels.index("Consistency")] == "no data"
    assert "0 of 8 lines" in heat.customdata[row][labels.index("Tests")]
    # Globex has 5 contributions: security 2/5 vs the community's 5/18 (2 counted, 1.4 expected) is too
    # few to colour; its 8 test lines at 0% vs 51% (4 expected) are coloured red (-1: half or less)
    assert heat.z[row][labels.index("Security")] is None
    assert heat.z[row][labels.index("Tests")] == -1
    assert [t.name for t in trend.data][0] == "Community"
    assert list(trend.data[0].x) == ["2024.1", "2024.2 (in progress)"]


def test_page_and_person_card_render(warehouse):
    from healthdash.dashboard.callbacks import DashboardContext, chart_csv, chart_view
    from healthdash.dashboard.data import Warehouse
    from healthdash.dashboard.drilldown import strategic_person_card
    from healthdash.settings import Settings

    context = DashboardContext(Settings(path=None, warehouse=warehouse), Warehouse(warehouse))
    view = chart_view(context, "strategic-contributions", "?team=compute")
    assert view.figure is not None
    csv = chart_csv(context, "strategic-contributions", "")["content"].removeprefix("\ufeff")  # UTF-8 BOM
    assert csv.splitlines()[0].startswith("org,") and "Community" in csv
    card = strategic_person_card(context.warehouse, "email:a1@acme.com", Filters())
    table = card.children[1]
    rows = getattr(table, "data", None) or getattr(table, "rowData", None)   # DataTable or AG Grid
    assert [r["category"] for r in rows][:2] == ["Any strategic work", "Common libraries"]
    assert rows[0]["share"] == pytest.approx(3 / 5)


# --------------------------------------------------------------------------- git log --numstat

TEST_FILE = re.compile(r"(^|/)(tests?|testing|specs?|__tests__|__mocks__)/|(^|/)(test_[^/]*|[^/]*_tests?\.[^/.]+"
                       r"|[^/]*\.(test|spec)\.[^/.]+|conftest\.py)$")


def numstat_paths(line: str) -> tuple[int, str]:
    """(changed lines, path after the change) of one ``git log --numstat`` line: binary files
    count 0, renames ("{old => new}/x", "old => new") resolve to the new path."""
    added, removed, path = line.split("\t", 2)
    if "=>" in path:
        path = re.sub(r"\{[^}]* => ([^}]*)\}", r"\1", path).split(" => ")[-1].replace("//", "/")
    return (0 if added == "-" else int(added)) + (0 if removed == "-" else int(removed)), path


def numstat_test_shares(repo: Path, org_of_email) -> dict[str, tuple[int, int]]:
    """(test lines, changed lines) per organisation straight from ``git log --numstat``."""
    out = subprocess.run(["git", "-C", str(repo), "log", "--no-merges", "--numstat", "--format=@%ae"],
                         capture_output=True, text=True, check=True).stdout
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    org = None
    for line in out.splitlines():
        if line.startswith("@"):
            org = org_of_email(line[1:])
        elif line.strip():
            lines, path = numstat_paths(line)
            totals[org][1] += lines
            if TEST_FILE.search(path.lower()):
                totals[org][0] += lines
    return {org: (t, c) for org, (t, c) in totals.items()}


def test_test_line_shares_match_git_log_numstat(tmp_path):
    from healthdash.collect import collect, configured_sources  # noqa: PLC0415
    from healthdash.settings import load_settings  # noqa: PLC0415

    repo = make_repo(tmp_path, name="app", commits=[
        {"author": "Ada <ada@acme.com>", "date": "2024-01-02T10:00:00Z",
         "files": {"app/core.py": "a\nb\nc\n", "app/tests/test_core.py": "t\n" * 7}},
        {"author": "Bo <bo@globex.com>", "date": "2024-01-03T10:00:00Z",
         "files": {"app/core.py": "a\nB\nc\nd\n", "conftest.py": "x\ny\n", "logo.png": b"\x89PNG\x00\x01"}},
        {"author": "Cy <cy@gmail.com>", "date": "2024-01-04T10:00:00Z",
         "files": {"web/button.spec.ts": "s\n" * 4, "web/button.ts": "b\n" * 6}},
        {"author": "Ada <ada@acme.com>", "date": "2024-01-05T10:00:00Z",
         "renames": {"app/tests/test_core.py": "app/tests/test_main.py"}},
        {"author": "Ada <ada@acme.com>", "date": "2024-01-06T10:00:00Z", "files": {"README": "r\n" * 5}},
    ])
    config = tmp_path / "healthdash.toml"
    config.write_text(f"""
warehouse = "w.duckdb"
[[teams]]
name = "apps"
projects = [{{name = "app", repos = ["app"]}}]
[repos.app]
path = "{repo}"
[domains]
"acme.com" = "Acme"
"globex.com" = "Globex"
""")
    settings = load_settings(config)
    collect(settings, configured_sources(settings))
    orgs = {"acme.com": "Acme", "globex.com": "Globex"}
    expected = numstat_test_shares(repo, lambda email: orgs.get(email.split("@")[-1], "Independent"))
    with _con(settings.warehouse) as con:
        cells = _cells(strategic.by_org(con).filter(pl.col("category") == "tests"))
    for org, (test_lines, changed) in expected.items():
        assert cells[(org, "tests")] == (test_lines, changed), org
    with _con(settings.warehouse) as con:
        community = strategic.by_org(con).filter(pl.col("org") == "Community")
    notes = dict(zip(community["category"].to_list(), community["note"].to_list()))
    shares = dict(zip(community["category"].to_list(), community["share"].to_list()))
    # git only: review, bug and common-library categories are "no data", never 0%
    assert notes["cross_org_reviews"] == "no data: no code review collected" and shares["cross_org_reviews"] is None
    assert notes["bug_fixes"] == notes["security"] == "no data: no bug tracker collected"
    assert notes["common_libraries"] == "no data: no repository configured as a common library"
    assert shares["strategic"] == 0 and notes["strategic"] is None
    # the fixture itself, by hand: Acme 3 + 7 test lines + a rename (0 lines) + 5 = 7 of 15;
    # Globex core.py 1 removed + 2 added, conftest.py 2, the png 0 = 2 of 5; Cy 4 of 10
    assert expected == {"Acme": (7, 15), "Globex": (2, 5), "Independent": (4, 10)}
