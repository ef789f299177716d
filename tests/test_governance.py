"""Governance view: the historic affiliation criteria with evidence, margins and history.

Counted by hand from tests/neutrality_community.py, window (2023-10-03, 2024-03-31]:
  compute commits   Acme 5 (a1 3, a2 2), Globex 3, p1 1, Initech 1   = 10 -> top-1 .5, top-2 .8
  compute reviews   Initech 1, p1 1, Globex 1 (g1 +2), Acme 1 (a2 +2) = 4 -> top-1 .25, top-2 .5
  core reviewers    g1 and a2 gave +2; floor(2% x 10 commits) = 0 reviews needed -> both active
  core reviews      Acme 1, Globex 1 -> top-2 1.0 > .8 (fails diverse)
  core reviewers    Acme 1, Globex 1 -> top-2 1.0 (fails)
  storage commits   Initech 1 of 1 -> single vendor; no reviews -> three criteria not evaluable
"""

from datetime import date

import pytest

from healthdash.metrics import neutrality
from healthdash.metrics.filters import Filters
from healthdash.warehouse import reader
from neutrality_community import build

AS_OF = Filters(end=date(2024, 3, 31))


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build(tmp_path_factory.mktemp("governance") / "w.duckdb")
    with reader(path) as connection:
        yield connection


def metric_rows(frame, team):
    return {r["metric"]: r for r in frame.filter(frame["team"] == team).iter_rows(named=True)}


def test_evidence_per_metric(con):
    compute = metric_rows(neutrality.governance(con, AS_OF), "compute")
    commits = compute["commits"]
    assert (commits["total"], commits["top_org"], commits["top_count"], commits["second_org"],
            commits["second_count"]) == (10, "Acme", 5, "Globex", 3)
    assert commits["top1_share"] == pytest.approx(0.5) and commits["top2_share"] == pytest.approx(0.8)
    assert commits["diverse_ok"]                       # exactly at both thresholds still passes
    assert compute["reviews"]["total"] == 4 and compute["reviews"]["top2_share"] == pytest.approx(0.5)
    assert compute["core_reviews"]["total"] == 2 and not compute["core_reviews"]["diverse_ok"]
    assert compute["core_reviewers"]["total"] == 2 and compute["core_reviewers"]["top2_share"] == 1.0


def test_verdicts_and_margins(con):
    frame = neutrality.governance(con, AS_OF)
    compute = metric_rows(frame, "compute")
    assert {r["verdict"] for r in compute.values()} == {"neither"}
    # commits: Acme needs 1 more to pass 50% ((5+1)/11 > .5): k = floor((.5x10 - 5)/.5) + 1 = 1
    # reviews: k = min(floor((.5x4 - 1)/.5) + 1, floor((.8x4 - 2)/.2) + 1) = min(3, 7) = 3
    # core metrics: others need ceil(2/.8 - 2) = 1 more to bring top-2 to <= 80%
    assert {m: r["margin"] for m, r in compute.items()} == {
        "commits": 1, "reviews": 3, "core_reviews": 1, "core_reviewers": 1}
    # single vendor, relative to each criterion's volume: commits (5 + k)/(10 + k) >= .9 -> k = 40 (40/10 = 4);
    # reviews k = 26 (26/4); core reviews and reviewers k = 8 (8/2 = 4): the tie goes to the first, commits
    assert compute["commits"]["margin_text"] == (
        "1 review by an active core reviewer and 1 active core reviewer from other organisations to reach "
        "diverse affiliation; 40 commits from the top organisation to single vendor")
    storage = metric_rows(frame, "storage")
    assert storage["commits"]["verdict"] == "single vendor"
    assert storage["commits"]["margin_text"] == "1 commit from leaving single vendor"   # 1/(1+1) < .9
    assert storage["commits"]["not_evaluable"] == "reviews, reviews by active core reviewers, active core reviewers"


def test_thresholds_come_from_config(tmp_path):
    path = build(tmp_path / "w.duckdb", {"governance.diverse_top2_max": "1.0"})
    with reader(path) as con:
        compute = metric_rows(neutrality.governance(con, Filters(team=("compute",), end=date(2024, 3, 31))),
                              "compute")
    assert {r["verdict"] for r in compute.values()} == {"diverse affiliation"}
    # commits top-1 is exactly 50%: one more Acme commit loses it
    assert compute["commits"]["margin_text"] == "1 commit from losing diverse affiliation"


def _compute_at_march_end(tmp_path, settings):
    path = build(tmp_path / "w.duckdb", settings)
    with reader(path) as con:
        return metric_rows(neutrality.governance(con, Filters(team=("compute",), end=date(2024, 3, 31))), "compute")


def test_window_and_active_core_threshold(tmp_path):
    # 30-day window (03-01, 03-31]: i1's commit 03-10; p1's -1 (03-02) and a2's +2 (03-03) on c2
    strict = _compute_at_march_end(tmp_path / "a", {"governance.window_days": "30",
                                                    "governance.active_core_min_reviews": "2",
                                                    "governance.active_core_min_commit_share": "2.0"})
    assert strict["commits"]["total"] == 1 and strict["reviews"]["total"] == 2
    # a2 has 1 review: < 2 and < floor(2.0 x 1 commit) = 2 -> no active core reviewer
    assert strict["core_reviewers"]["total"] == 0 and not strict["core_reviewers"]["evaluable"]
    assert strict["commits"]["not_evaluable"] == "reviews by active core reviewers, active core reviewers"
    loose = _compute_at_march_end(tmp_path / "b", {"governance.window_days": "30",
                                                   "governance.active_core_min_reviews": "1"})
    assert loose["core_reviewers"]["total"] == 1 and loose["core_reviewers"]["top_org"] == "Acme"
    assert loose["core_reviewers"]["verdict"] == "single vendor"   # Initech 100% of commits, Acme of cores


def test_history_shows_flapping_month_by_month(con):
    history = neutrality.governance_history(con, Filters(team=("compute",), end=date(2024, 3, 31)))
    # Jan 31: commits Acme 3 of 4 (75%), no reviews yet -> neither
    # Feb 29: the only core reviewer so far is g1 (Globex) -> core reviews 100% Globex -> single vendor
    # Mar 31: a2 (Acme) becomes a core reviewer too -> neither
    assert [(r["as_of"], r["verdict"]) for r in history.iter_rows(named=True)] == [
        (date(2024, 1, 31), "neither"), (date(2024, 2, 29), "single vendor"), (date(2024, 3, 31), "neither")]
    jan = history.row(0, named=True)
    assert jan["commits"] == pytest.approx(0.75) and jan["reviews"] is None
    assert jan["margin_text"].startswith("2 commits from other organisations")   # 3/6 = .5, 4/6 <= .8
