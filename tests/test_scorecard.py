"""The scorecard (issue 13, item 2) against hand-computed scores on tests/strategic_community.py,
the [scorecard] settings, and the chart.

Thresholds: the defaults, except review coverage scored 100 at 1.0 and 0 at 0.0 (set through
attribution_settings, as a collection copies [scorecard]) so that its small shares score above 0.
Indicator score = 100 x (value - bad) / (good - bad), clamped; area = mean of those with data.

Default period: the data ends 2024-04-10, 9 days into 2024.2 (less than half of it), so 2024.1
(2024-01-01 .. 2024-03-31) is scored, and there is no cycle before it (no arrows).

Community, 2024.1 (bots excluded; zuul's commit counts in review coverage, as on the Security page):
  security: bug 2 fixed 2024-02-01 -> 2024-03-05 = 33 days: (33 - 180) / (30 - 180) = 0.98 -> 98;
            review coverage: commits #1 #2 #3 #4 and zuul's, #1 landed through 101 approved by g1:
            1/5 = 0.2 -> 20; area (98 + 20) / 2 = 59 -> amber
  quality:  no coverage report (no data, left out); bugs closed / opened in the cycle = 2/3:
            (0.667 - 0.5) / 0.5 -> 33.3; first review 48 h, 12 h, 72 h: median 48:
            (48 - 168) / (24 - 168) -> 83.3; area 58.3 -> 58 -> amber
  neutrality: 17 contributions: Acme 9, Globex 5, p1 3; top share 9/17 = 0.529:
            (0.529 - 0.9) / (0.35 - 0.9) -> 67.4; HHI = (81 + 25 + 9) / 289, effective 289/115 = 2.513:
            (2.513 - 1.5) / 3.5 -> 28.9; area 48.2 -> 48 -> red
compute (nova), 2024.1:
  security: 33 days -> 98; coverage commits #1 #2 #4 and zuul's: 1/4 -> 25; (98 + 25) / 2 = 61.5 -> 62 amber
  quality:  bugs 1, 2 opened and closed: 1.0 -> 100; first review 48 h, 12 h: median 30:
            138 / 144 -> 95.8; area 97.9 -> 98 green
  neutrality: 13 contributions: Acme 6, Globex 5, p1 2: top 6/13 -> 79.7; effective 169/65 = 2.6 -> 31.4;
            area 55.6 -> 56 amber
libs (oslo.config), 2024.1:
  security: no security bug fixed (left out); coverage 0/1 (commit #3, change 103 has review data) -> 0: 0 red
  quality:  bug 3 opened, none closed: 0 -> 0; first review 72 h -> 66.7; area 33.3 -> 33 red
  neutrality: Acme 3, p1 1: top 0.75 -> 27.3; effective 16/10 = 1.6 -> 2.9; area 15.1 -> 15 red
Cycle 2024.2 against 2024.1: only p1's commit #5 -> community neutrality: top share 1, effective 1: 0
  (down 48 from 48); security and quality have no data in 2024.2 (no fix, no change, no bug): no
  score and no arrow, never 0.  Commonality and consistency: no data (not collected).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

import strategic_community
from healthdash.dashboard.charts.scorecard import cell_text, scorecard_figure, scorecard_target
from healthdash.errors import ConfigError
from healthdash.metrics import Filters, neutrality, scorecard
from healthdash.settings import SCORECARD_DEFAULTS, load_settings

COVERAGE_0_TO_1 = {"scorecard.review_coverage_good": "1", "scorecard.review_coverage_bad": "0"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return strategic_community.build(tmp_path_factory.mktemp("scorecard") / "s.duckdb",
                                     settings_rows=COVERAGE_0_TO_1)


def _con(path: Path):
    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    return con


def _scores(frame: pl.DataFrame) -> dict[tuple[str, str], tuple]:
    return {(r["team"], r["area"]): (r["score"], r["rating"]) for r in frame.iter_rows(named=True)}


def test_formula():
    assert scorecard.indicator_score(0.8, good=0.8, bad=0.4) == 100
    assert scorecard.indicator_score(0.6, good=0.8, bad=0.4) == pytest.approx(50)
    assert scorecard.indicator_score(0.1, good=0.8, bad=0.4) == 0                  # clamped
    assert scorecard.indicator_score(96, good=24, bad=168) == pytest.approx(50)    # lower is better
    assert scorecard.indicator_score(None, good=1, bad=0) is None
    assert scorecard.area_score([100, None, 51]) == 76                             # 75.5 rounds up
    assert scorecard.area_score([None, None]) is None                               # no data, never 0
    limits = dict(SCORECARD_DEFAULTS)
    assert [scorecard.rating(s, limits) for s in (75, 74, 50, 49, None)] == ["green", "amber", "amber", "red",
                                                                             "no data"]
    assert scorecard.trend(60, 54, limits) == "up" and scorecard.trend(60, 56, limits) == "steady"
    assert scorecard.trend(50, 55, limits) == "down" and scorecard.trend(50, None, limits) is None


def test_scores_match_the_hand_computation(warehouse):
    with _con(warehouse) as con:
        frame = scorecard.scorecard(con)
    scores = _scores(frame)
    assert scores[("Community", "security")] == (59, "amber")
    assert scores[("Community", "quality")] == (58, "amber")
    assert scores[("Community", "neutrality")] == (48, "red")
    assert scores[("compute", "security")] == (62, "amber")
    assert scores[("compute", "quality")] == (98, "green")
    assert scores[("compute", "neutrality")] == (56, "amber")
    assert scores[("libs", "security")] == (0, "red")
    assert scores[("libs", "quality")] == (33, "red")
    assert scores[("libs", "neutrality")] == (15, "red")
    for team in ("compute", "libs", "Community"):
        assert scores[(team, "commonality")] == (None, "no data")
        assert scores[(team, "consistency")] == (None, "no data")
    assert frame["team"].to_list()[-1] == "Community"
    assert set(frame["cycle"].to_list()) == {"2024.1"} and frame["previous_cycle"].null_count() == frame.height
    assert frame["trend"].null_count() == frame.height                       # nothing to compare with
    row = frame.filter((pl.col("team") == "compute") & (pl.col("area") == "quality")).row(0, named=True)
    assert row["link"] == "/quality?team=compute&cycle=2024.1"
    assert "Line coverage: no data (left out)" in row["inputs"]
    assert "Median hours to first review: 30 h → 96 (100 at 24 h, 0 at 168 h)" in row["inputs"]
    assert row["formula"].startswith("indicator score = 100 × (value − bad) / (good − bad)")
    community = frame.filter((pl.col("team") == "Community") & (pl.col("area") == "security")).row(0, named=True)
    assert community["link"] == "/security?cycle=2024.1"
    # the team's governance verdict at the cycle's end is shown beside the neutrality score
    with _con(warehouse) as con:
        verdict = neutrality.governance_summary(con, Filters(end=date(2024, 3, 31)))
    compute_verdict = verdict.filter(pl.col("team") == "compute")["verdict"][0]
    neutral = frame.filter((pl.col("team") == "compute") & (pl.col("area") == "neutrality")).row(0, named=True)
    assert f"governance verdict (180 days to 2024-03-31): {compute_verdict}" in neutral["inputs"]


def test_indicator_values(warehouse):
    with _con(warehouse) as con:
        frame = scorecard.indicators(con)
    values = {(r["team"], r["indicator"]): r["value"] for r in frame.iter_rows(named=True)}
    assert values[("Community", "top_org_share")] == pytest.approx(9 / 17)
    assert values[("Community", "effective_orgs")] == pytest.approx(289 / 115)
    assert values[("Community", "security_fix_days")] == pytest.approx(33)
    assert values[("Community", "review_coverage")] == pytest.approx(1 / 5)
    assert values[("Community", "bug_outflow")] == pytest.approx(2 / 3)
    assert values[("Community", "first_review_hours")] == pytest.approx(48)
    assert values[("Community", "coverage")] is None
    assert values[("compute", "first_review_hours")] == pytest.approx(30)


def test_arrows_against_the_previous_cycle_and_no_data_is_not_zero(warehouse):
    with _con(warehouse) as con:
        frame = scorecard.scorecard(con, Filters(cycle="2024.2", start=date(2024, 4, 1), end=date(2024, 9, 30)))
    row = frame.filter((pl.col("team") == "Community") & (pl.col("area") == "neutrality")).row(0, named=True)
    assert (row["score"], row["previous_score"], row["change"], row["trend"]) == (0, 48, -48, "down")
    assert (row["cycle"], row["previous_cycle"]) == ("2024.2", "2024.1")
    security = frame.filter((pl.col("team") == "Community") & (pl.col("area") == "security")).row(0, named=True)
    assert (security["score"], security["rating"], security["previous_score"], security["trend"]) == (
        None, "no data", 59, None)
    assert cell_text(row) == "0 ▼ −48" and cell_text(security) == "no data"


def test_team_filter_keeps_that_team_and_the_community(warehouse):
    with _con(warehouse) as con:
        frame = scorecard.scorecard(con, Filters(team=("libs",)))
    assert list(dict.fromkeys(frame["team"].to_list())) == ["libs", "Community"]
    assert _scores(frame)[("Community", "neutrality")] == (48, "red")        # the community stays whole


def test_figure_cells_carry_score_detail_and_link(warehouse):
    with _con(warehouse) as con:
        fig = scorecard_figure(scorecard.scorecard(con))
    heat = fig.data[0]
    assert list(heat.x) == ["Commonality", "Consistency", "Security", "Quality", "Neutrality"]
    assert list(heat.y) == ["compute", "libs", "<b>Community</b>"]
    assert heat.text[0][3] == "98" and heat.text[0][0] == "no data"
    assert heat.customdata[0][2] == "/security?team=compute&cycle=2024.1"
    assert "Commits landed through review: 25% → 25" in heat.hovertext[0][2]
    assert "indicator score = 100" in heat.hovertext[0][2]
    assert "no earlier release cycle" in fig.layout.title.text


def test_overview_click_target():
    assert scorecard_target({"points": [{"customdata": "/quality?team=compute"}]}) == "/quality?team=compute"
    assert scorecard_target({"points": [{"customdata": "javascript:alert(1)"}]}) is None
    assert scorecard_target({"points": [{"customdata": "//evil.example/x"}]}) is None
    assert scorecard_target(None) is None


# --------------------------------------------------------------------------- settings

def _settings(tmp_path, body: str):
    path = tmp_path / "healthdash.toml"
    path.write_text(body)
    return load_settings(path)


def test_scorecard_settings_defaults_overrides_and_errors(tmp_path):
    assert _settings(tmp_path, "").scorecard == SCORECARD_DEFAULTS
    settings = _settings(tmp_path, "[scorecard]\ngreen_min = 80\ncoverage_good = 0.9\n")
    assert settings.scorecard["green_min"] == 80 and settings.scorecard["coverage_good"] == 0.9
    assert settings.scorecard["amber_min"] == SCORECARD_DEFAULTS["amber_min"]
    with pytest.raises(ConfigError, match="unknown key 'scorecard.colour'"):
        _settings(tmp_path, "[scorecard]\ncolour = 1\n")
    with pytest.raises(ConfigError, match="'scorecard.green_min' must be a number"):
        _settings(tmp_path, '[scorecard]\ngreen_min = "high"\n')
    with pytest.raises(ConfigError, match="amber_min .60. and green_min .50. must satisfy"):
        _settings(tmp_path, "[scorecard]\ngreen_min = 50\namber_min = 60\n")
    with pytest.raises(ConfigError, match="'scorecard.coverage_good' equals 'coverage_bad'"):
        _settings(tmp_path, "[scorecard]\ncoverage_good = 0.5\ncoverage_bad = 0.5\n")


def test_scorecard_settings_reach_the_metric(tmp_path):
    from healthdash.collect import collect  # noqa: PLC0415

    settings = _settings(tmp_path, 'warehouse = "w.duckdb"\n[scorecard]\ngreen_min = 90\nreview_coverage_bad = 0.1\n')
    collect(settings, [])
    with _con(settings.warehouse) as con:
        limits = scorecard.thresholds(con)
    assert limits["green_min"] == 90 and limits["review_coverage_bad"] == 0.1
    assert limits["coverage_good"] == SCORECARD_DEFAULTS["coverage_good"]


def test_readme_documents_every_indicator_and_its_defaults():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for ind in scorecard.INDICATORS:
        good, bad = SCORECARD_DEFAULTS[f"{ind.key}_good"], SCORECARD_DEFAULTS[f"{ind.key}_bad"]
        assert f"(`{ind.key}`: 100 at {good:g}, 0 at {bad:g})" in readme, ind.key


# --------------------------------------------------------------------------- commonality, consistency

@pytest.fixture(scope="module")
def content_community(tmp_path_factory):
    """tests/commonality_fixture.py collected: teams Core (alpha, beta) and Edge (gamma)."""
    from commonality_fixture import build  # noqa: PLC0415
    from healthdash.collect import collect, configured_sources  # noqa: PLC0415

    settings = load_settings(build(tmp_path_factory.mktemp("scorecard-content")))
    collect(settings, configured_sources(settings))
    return settings.warehouse


def test_commonality_and_consistency_scores_from_their_summaries(content_community):
    """By hand from tests/test_commonality.py's figures (default bounds):
    Core: adoption mean(1/2, 1/2) = 0.5 -> (0.5 - 0.2) / 0.6 = 50; repos outside the constraints
    1 of 2 (beta) = 0.5 -> 0; duplicated lines (10 + 10) / (10 + 12) = 0.91 -> 0; commonality 16.7 -> 17 red.
    Edge (gamma): adoption 0 -> 0; outside 0 of 1 -> 100; duplicated 0 of 1 line -> 100 (clamped);
    commonality 66.7 -> 67 amber.  Conformance: Core 20/26 = 0.77 -> (0.77 - 0.5) / 0.4 = 67.3;
    Edge 0/13 -> 0.  No arrows: these are states read at each repository head."""
    from healthdash.metrics import consistency  # noqa: PLC0415

    with _con(content_community) as con:
        frame = scorecard.scorecard(con)
        values = {(r["team"], r["indicator"]): r["value"] for r in scorecard.indicators(con).iter_rows(named=True)}
        core_matrix = consistency.summary(con, Filters(team=("Core",)))["matrix_completeness"][0]
    assert values[("Core", "library_adoption")] == pytest.approx(0.5)
    assert values[("Core", "dependency_drift")] == pytest.approx(1 / 2)
    assert values[("Core", "duplicate_share")] == pytest.approx(20 / 22)
    assert values[("Edge", "dependency_drift")] == 0 and values[("Edge", "duplicate_share")] == 0
    assert values[("Community", "convention_conformance")] == pytest.approx(20 / 39)
    assert values[("Core", "convention_conformance")] == pytest.approx(20 / 26)
    assert values[("Core", "matrix_completeness")] == core_matrix
    scores = _scores(frame)
    assert scores[("Core", "commonality")] == (17, "red")
    assert scores[("Edge", "commonality")] == (67, "amber")
    core = frame.filter((pl.col("team") == "Core") & (pl.col("area") == "consistency")).row(0, named=True)
    assert core["trend"] is None and "(now, at each repository head)" in core["inputs"]
    assert core["link"].startswith("/consistency?team=Core")
