"""Rollup-backed metrics equal the same metrics computed from the contributions themselves
(``Filters.rollups`` off: the same SQL reads the filtered contributions one by one).

The community of tests/neutrality_community.py plus two affiliation changes written
after collection (so the end-of-write rebuild must refresh the rollups):
  a1 (Acme by domain) moves to Globex from 2024-07-01 (override): change on 07-15, after 02-10;
  zuul (a bot, ci.example unmapped) moves to Acme from 2024-02-01: change on 02-06, after 01-06,
  seen only with bots included.
Each filter set below runs both ways; the hand-counted rows pin what the rollups must give.
"""

from dataclasses import replace
from datetime import date

import pytest
from polars.testing import assert_frame_equal

from healthdash.metrics import neutrality, participation, parse_filters, quality, reviews, strategic
from healthdash.metrics.cycles import resolve_cycle
from healthdash.warehouse import reader
import strategic_community
from neutrality_community import build_with_moves

FILTER_SETS = [
    "", "bots=1", "team=compute", "team=storage", "project=nova", "repo=nova", "repo=swift", "org=Acme",
    "org=Globex", "org=Acme&bots=1", "kind=commit", "kind=commit&bots=1", "kind=review",
    "start=2024-02-11",                    # a1's previous contribution (02-10) falls outside: no change
    "start=2024-02-10",                    # ... and inside
    "end=2024-07-14", "end=2024-07-15",    # the day of a1's change, inclusive
    "start=2024-01-21&end=2024-07-20", "start=2024-01-07&bots=1", "start=2024-01-06&end=2024-02-06&bots=1",
    "start=2024-02-01&end=2024-06-30",     # whole months: the monthly rollups answer
    "cycle=2024.1", "cycle=2024.2", "cycle=2024.1&bots=1", "team=compute&start=2024-02-10&bots=1",
    # a release cycle's end: governance reads its verdicts precomputed (0035), a team filter too,
    # a project filter never
    "end=2024-09-30", "team=compute&cycle=2024.2", "team=storage&end=2024-03-31&bots=1", "project=nova&cycle=2024.1",
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_with_moves(tmp_path_factory.mktemp("rollups") / "w.duckdb")
    with reader(path) as connection:
        yield connection


def strategic_all_cycles(con, filters):
    """Every category per release cycle, every organisation (the trend chart keeps one)."""
    return strategic.by_cycle(con, filters, top_n=None, category=None)


def strategic_people(con, filters):
    """Every person's shares (no person picked): the person view's path over all of them."""
    return strategic.for_person(con, filters)


def team_dependence_top_12(con, filters):
    """More organisations than the rollup keeps (10 per team and cycle): always derived."""
    return neutrality.team_dependence(con, filters, top_n=12)


#: Every metric that reads a rollup when the filters allow.
METRICS = [neutrality.affiliation_changes, participation.top_organisations, participation.summary,
           neutrality.concentration, neutrality.pony_factor, neutrality.org_shares, neutrality.org_totals,
           reviews.reviews_by_org, reviews.reviews_by_person, quality.test_line_share, participation.commits_by_org,
           neutrality.org_shares_monthly, reviews.review_activity, neutrality.concentration_trend,
           neutrality.new_contributors, strategic.by_org, strategic.by_cycle, strategic_all_cycles, strategic_people,
           neutrality.governance, neutrality.governance_summary, neutrality.governance_history,
           neutrality.team_table, neutrality.team_dependence, team_dependence_top_12]


def filters_for(con, query: str, rollups: bool = True):
    return replace(resolve_cycle(con, parse_filters(query)), rollups=rollups)


def changes(con, query: str, rollups: bool):
    frame = neutrality.affiliation_changes(con, filters_for(con, query, rollups))
    return frame.select("person", "changed_on", "from_org", "to_org", "last_day_before", "rule").rows()


@pytest.mark.parametrize("metric", METRICS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("query", FILTER_SETS)
def test_rollup_backed_metrics_equal_the_metric_over_contributions(con, query, metric):
    assert_frame_equal(metric(con, filters_for(con, query)), metric(con, filters_for(con, query, rollups=False)))


def test_change_points_give_the_hand_counted_changes(con):
    a1 = ("a1", date(2024, 7, 15), "Acme", "Globex", date(2024, 2, 10), "override")
    zuul = ("zuul", date(2024, 2, 6), "ci.example (unmapped)", "Acme", date(2024, 1, 6), "override")
    assert changes(con, "", rollups=True) == [a1]
    assert changes(con, "bots=1", rollups=True) == [a1, zuul]
    assert changes(con, "start=2024-02-11", rollups=True) == []
    assert changes(con, "start=2024-02-10&end=2024-07-15", rollups=True) == [a1]
    assert changes(con, "end=2024-07-14&bots=1", rollups=True) == [zuul]
    assert changes(con, "org=Globex", rollups=True) == [a1]
    assert con.execute("SELECT count(*) FROM affiliation_change_points").fetchall() == [(3,)]  # a1 twice, zuul


def test_whole_history_totals_give_the_hand_counted_shares(con):
    # bots excluded, both teams (tests/neutrality_community.py), a1's 07-15 commit now Globex:
    # Acme: a1 3 commits + merged c1, a2 2 commits + core review of c2 = 7
    # Globex: g1 3 commits + core review of c1, a1's 07-15 commit = 5
    # Initech: i1 3 commits (nova 03-10, swift 02-20 and 09-10) + review of c1 = 4
    # Independent: p1 2 commits + review of c2, p2 1 commit = 4 (ties: by name)          total 20
    top = participation.top_organisations(con, filters_for(con, ""))
    assert top.select("org", "contributions", "contributors").rows() == [
        ("Acme", 7, 2), ("Globex", 5, 2), ("Independent", 4, 2), ("Initech", 4, 1)]
    assert con.execute("SELECT sum(n) FROM contribution_totals WHERE NOT is_bot").fetchall() == [(20,)]


@pytest.fixture(scope="module", params=[False, True], ids=["no-matrix", "matrix"])
def strategic_con(request, tmp_path_factory):
    path = strategic_community.build(tmp_path_factory.mktemp("strategic-rollups") / "s.duckdb",
                                     feature_matrix=request.param)
    with reader(path) as connection:
        yield connection


STRATEGIC_FILTER_SETS = ["", "bots=1", "team=libs", "project=nova", "repo=oslo.config", "org=Acme",
                         "org=Globex&bots=1", "kind=review", "kind=bug_fixed&kind=bug_filed", "kind=commit&bots=1",
                         "start=2024-02-16", "end=2024-02-27", "cycle=2024.1", "cycle=2024.2&bots=1",
                         "start=2024-03-01&end=2024-03-31", "team=compute&start=2024-02-01"]


@pytest.mark.parametrize("metric", [strategic.by_org, strategic_all_cycles, strategic_people],
                         ids=lambda m: m.__name__)
@pytest.mark.parametrize("query", STRATEGIC_FILTER_SETS)
def test_strategic_rollups_equal_the_categories_derived_per_contribution(strategic_con, query, metric):
    # the community of tests/strategic_community.py has every category (common library, bugs,
    # security fixes, advisory, matrix file), so each count of every category is compared
    assert_frame_equal(metric(strategic_con, filters_for(strategic_con, query)),
                       metric(strategic_con, filters_for(strategic_con, query, rollups=False)))


def test_strategic_totals_give_the_hand_counted_community(strategic_con):
    # tests/test_strategic.py: 18 contributions without bots (zuul's commit is the 19th),
    # 11 strategic, 12 with g1's commit #4 to support-matrix.ini (consistency work once a feature
    # matrix is collected: the metric decides, the totals keep both counts);
    # per cycle: 2024.1 holds 17 (without bots), 2024.2 holds p1's commit #5
    matrix = strategic_con.execute("SELECT count(*) > 0 FROM feature_matrix").fetchone()[0]
    rows = strategic_con.execute("""
        SELECT period, sum(n) FILTER (WHERE NOT is_bot), sum(n), sum(strategic) FILTER (WHERE NOT is_bot),
               sum(strategic_or_matrix) FILTER (WHERE NOT is_bot), sum(touches_matrix)
        FROM strategic_totals GROUP BY period ORDER BY period""").fetchall()
    assert rows == [("2024.1", 17, 18, 11, 12, 1), ("2024.2", 1, 1, 0, 0, 0), ("all", 18, 19, 11, 12, 1)]
    community = strategic.by_org(strategic_con, filters_for(strategic_con, ""))
    assert community.filter(category="strategic", org="Community").select("contributions", "total").rows() == [
        (11 + matrix, 18)]


def test_governance_verdicts_hold_the_hand_counted_inputs(con):
    # tests/test_governance.py's window, here at the default view's last day 2024-10-01 (p2's commit):
    # (2024-04-04, 2024-10-01], bots excluded, a1's 07-15 commit Globex after the move:
    # compute commits: a1 07-15 (Globex) 1, p2 10-01 1 -> total 2, top two 1 and 1 (ties by name);
    # storage commits: i1 09-10, p1 08-05 -> 2; no reviews anywhere in that window
    rows = con.execute("""
        SELECT team, metric, total, top_count, second_count FROM governance_verdicts
        WHERE NOT with_bots AND as_of = DATE '2024-10-01' AND metric = 'commits' ORDER BY team""").fetchall()
    assert rows == [("compute", "commits", 2, 1, 1), ("storage", "commits", 2, 1, 1)]
    assert con.execute("""SELECT count(*) FROM governance_verdicts
                          WHERE NOT with_bots AND as_of = DATE '2024-10-01' AND metric <> 'commits' AND total > 0
                       """).fetchone() == (0,)


def test_cycle_verdicts_hold_the_hand_counted_inputs(con):
    # each release cycle's end (tests/neutrality_community.py: 2024-03-31, 2024-09-30), bots excluded:
    # (2023-10-03, 2024-03-31]: compute commits a1 01-05, 01-20, 02-10 and a2 01-10, 02-12 (Acme 5),
    #   g1 02-01, 02-15, 03-01 (Globex 3), p1 01-25, i1 03-10 -> 10, top two 5 and 3;
    #   storage: i1 02-20 -> 1, 1 and 0
    # (2024-04-03, 2024-09-30]: compute a1 07-15 (Globex after the move) -> 1, 1, 0;
    #   storage i1 09-10, p1 08-05 -> 2, 1, 1
    rows = con.execute("""
        SELECT as_of, team, total, top_count, second_count FROM governance_cycle_verdicts
        WHERE NOT with_bots AND metric = 'commits' ORDER BY ALL""").fetchall()
    assert rows == [(date(2024, 3, 31), "compute", 10, 5, 3), (date(2024, 3, 31), "storage", 1, 1, 0),
                    (date(2024, 9, 30), "compute", 1, 1, 0), (date(2024, 9, 30), "storage", 2, 1, 1)]
    # a1's move, written after collection, reached them at the end of that write (Acme before it)
    assert con.execute("""SELECT top_org FROM governance_cycle_verdicts WHERE NOT with_bots AND team = 'compute'
                          AND as_of = DATE '2024-09-30' AND metric = 'commits'""").fetchall() == [("Globex",)]
    # the Governance view at a cycle's end reads them (and gives what the contributions give:
    # test_rollup_backed_metrics_equal_the_metric_over_contributions)
    view = neutrality.governance(con, filters_for(con, "cycle=2024.1"))
    assert view.filter(metric="commits").select("team", "total").rows() == [("compute", 10), ("storage", 1)]


def test_team_tables_hold_the_hand_counted_teams(con):
    # tests/neutrality_community.py, bots excluded: compute = 12 nova commits + 4 reviews (g1, i1 on c1;
    # a2, p1 on c2; a1's vote on their own c1 is not one) + merged c1 = 17; storage = 3 swift commits;
    # with bots zuul's two nova commits make compute 19
    assert con.execute("SELECT with_bots, team, contributions FROM team_neutrality ORDER BY ALL").fetchall() == [
        (False, "compute", 17), (False, "storage", 3), (True, "compute", 19), (True, "storage", 3)]
    # each (team, cycle) ranks every organisation but the independents, at most 10 kept
    assert con.execute("SELECT max(rank) <= 10, count(*) > 0 FROM team_dependence").fetchone() == (True, True)


def test_governance_team_days_hold_each_teams_first_and_last_day(con):
    # tests/neutrality_community.py: compute's first commit a1 01-05, last p2 10-01; zuul (bot) 01-06 and
    # 02-06; storage (swift) i1 02-20 to 09-10 -- reviews (02-02 to 03-03, all compute) change neither
    assert con.execute("SELECT * FROM governance_team_days ORDER BY ALL").fetchall() == [
        ("compute", False, date(2024, 1, 5), date(2024, 10, 1)), ("compute", True, date(2024, 1, 6), date(2024, 2, 6)),
        ("storage", False, date(2024, 2, 20), date(2024, 9, 10))]
