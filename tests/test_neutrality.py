"""Neutrality metrics against numbers counted by hand from tests/neutrality_community.py.

compute (nova), bots excluded:
  commits       a1 4, a2 2 (Acme 6) | g1 3 (Globex) | i1 1 (Initech) | p1 1, p2 1 (Independent)  = 12
  reviews       i1 +1, p1 -1 (review 2) | g1 +2, a2 +2 (core_review 2) | a1's self +2 not counted
  merged change c1 by a1 (Acme)                                                                  = 1
  all kinds: Acme 6+1+1 = 8, Globex 3+1 = 4, Initech 1+1 = 2, p1 1+1 = 2, p2 1                = 17
"""

from datetime import date

import polars as pl
import pytest

from healthdash.metrics import neutrality
from healthdash.metrics.filters import Filters
from healthdash.warehouse import reader
from neutrality_community import build

COMPUTE = Filters(team=("compute",))


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build(tmp_path_factory.mktemp("neutrality") / "w.duckdb")
    with reader(path) as connection:
        yield connection


def rows(frame, *columns):
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in r) for r in frame.select(columns).iter_rows()]


def test_org_counts_and_shares_per_kind(con):
    got = rows(neutrality.org_shares(con, COMPUTE), "kind", "org", "contributions", "people", "share")
    assert got == [
        ("commit", "Acme", 6, 2, 0.5), ("commit", "Globex", 3, 1, 0.25),          # 6/12, 3/12
        ("commit", "Independent", 2, 2, round(2 / 12, 6)), ("commit", "Initech", 1, 1, round(1 / 12, 6)),
        ("core_review", "Acme", 1, 1, 0.5), ("core_review", "Globex", 1, 1, 0.5),
        ("merged_change", "Acme", 1, 1, 1.0),
        ("review", "Independent", 1, 1, 0.5), ("review", "Initech", 1, 1, 0.5)]


def test_concentration_elephant_top_shares_hhi_effective_independents(con):
    frame = neutrality.concentration(con, COMPUTE)
    by_kind = {r["kind"]: r for r in frame.iter_rows(named=True)}
    commits = by_kind["commit"]
    # units Acme 6, Globex 3, Initech 1, p1 1, p2 1 of 12: Acme alone reaches 50% -> elephant 1
    assert (commits["organisations"], commits["elephant_factor"]) == (5, 1)
    assert commits["top1_share"] == pytest.approx(0.5) and commits["top2_share"] == pytest.approx(0.75)
    # HHI = (36 + 9 + 1 + 1 + 1) / 144 = 1/3 -> effective 3
    assert commits["hhi"] == pytest.approx(1 / 3) and commits["effective_orgs"] == pytest.approx(3.0)
    assert commits["independent_share"] == pytest.approx(2 / 12)
    every = by_kind["all"]
    # 8, 4, 2, 2, 1 of 17: 8/17 < 50%, 12/17 >= 50% -> elephant 2; HHI = 89/289
    assert (every["contributions"], every["elephant_factor"], every["top_org"]) == (17, 2, "Acme")
    assert every["top1_share"] == pytest.approx(8 / 17) and every["top2_share"] == pytest.approx(12 / 17)
    assert every["hhi"] == pytest.approx(89 / 289) and every["effective_orgs"] == pytest.approx(289 / 89)
    assert every["independent_share"] == pytest.approx(3 / 17)


def test_each_independent_is_their_own_organisation(con):
    # reviews: Initech 1, p1 1 -> two units, top-1 50%; were independents one bloc it would be the same,
    # but for commits p1 and p2 are two organisations (5 units, not 4).
    frame = neutrality.concentration(con, Filters(team=("compute",), kind=("commit",)))
    assert frame.filter(frame["kind"] == "commit")["organisations"].item() == 5


def test_pony_factor_over_people(con):
    frame = neutrality.pony_factor(con, COMPUTE)
    commits = frame.filter(frame["kind"] == "commit").row(0, named=True)
    # a1 4, g1 3, a2 2, i1 1, p1 1, p2 1 of 12: 4/12 < 50%, 7/12 >= 50% -> pony 2
    assert (commits["people"], commits["pony_factor"]) == (6, 2)
    assert commits["top_person_share"] == pytest.approx(4 / 12)


def test_monthly_shares_top_n_others_independent(con):
    frame = neutrality.org_shares_monthly(con, Filters(team=("compute",), kind=("commit",)), top_n=1)
    # Jan a1 2 + a2 1 = Acme 3, p1 1 | Feb Acme 2, g1 2 -> Others | Mar g1 1 + i1 1 -> Others | Jul Acme | Oct p2
    # every series has every month Jan..Oct (10 x 3 rows); empty months carry 0 and no share
    assert frame.height == 30
    assert rows(frame.filter(frame["month"] == date(2024, 5, 1)), "org", "contributions", "share") == [
        ("Acme", 0, None), ("Independent", 0, None), ("Others", 0, None)]
    assert rows(frame.filter(frame["contributions"] > 0), "month", "org", "contributions", "share") == [
        (date(2024, 1, 1), "Acme", 3, 0.75), (date(2024, 1, 1), "Independent", 1, 0.25),
        (date(2024, 2, 1), "Acme", 2, 0.5), (date(2024, 2, 1), "Others", 2, 0.5),
        (date(2024, 3, 1), "Others", 2, 1.0), (date(2024, 7, 1), "Acme", 1, 1.0),
        (date(2024, 10, 1), "Independent", 1, 1.0)]


def test_concentration_trend_per_month(con):
    frame = neutrality.concentration_trend(con, Filters(team=("compute",), kind=("commit",)))
    # Jan: Acme 3, p1 1 -> HHI 9/16 + 1/16 = 0.625; Feb: Acme 2, Globex 2 -> 0.5, effective 2
    assert rows(frame, "month", "elephant_factor", "hhi", "effective_orgs", "top1_share", "independent_share") == [
        (date(2024, 1, 1), 1, 0.625, 1.6, 0.75, 0.25), (date(2024, 2, 1), 1, 0.5, 2.0, 0.5, 0.0),
        (date(2024, 3, 1), 1, 0.5, 2.0, 0.5, 0.0), (date(2024, 7, 1), 1, 1.0, 1.0, 1.0, 0.0),
        (date(2024, 10, 1), 1, 1.0, 1.0, 1.0, 1.0)]


def test_new_contributors_and_six_month_retention(con):
    frame = neutrality.new_contributors(con, Filters())
    # Jan: a1, a2, p1 new; active in Jul-Sep: a1 (Jul 15), p1 (swift Aug 5) -> 2/3
    # Feb: g1, i1 new; active in Aug-Oct: i1 (swift Sep 10) -> 1/2
    # Oct: p2 new; window not over in the data -> retention unknown
    assert rows(frame, "month", "new_contributors", "retained", "retention") == [
        (date(2024, 1, 1), 3, 2, round(2 / 3, 6)), (date(2024, 2, 1), 2, 1, 0.5),
        (date(2024, 10, 1), 1, 0, None)]
    only_feb = neutrality.new_contributors(con, Filters(start=date(2024, 2, 1), end=date(2024, 2, 29)))
    assert rows(only_feb, "month", "new_contributors") == [(date(2024, 2, 1), 2)]   # a1 not "new" again


def test_team_dependence_per_release_cycle(con):
    frame = neutrality.team_dependence(con, Filters())
    # compute 2024.1: Acme 3+2 commits + a2's +2 + c1 merged = 7, Globex 3+1 = 4, Initech 1+1 = 2, p1 2 -> of 15
    # compute 2024.2: a1's July commit only; storage 2024.2: i1 1, p1 1 (p1 counts in the total, not ranked)
    assert rows(frame, "team", "cycle", "rank", "org", "contributions", "share", "previous_share") == [
        ("compute", "2024.1", 1, "Acme", 7, round(7 / 15, 6), 0.0),
        ("compute", "2024.1", 2, "Globex", 4, round(4 / 15, 6), 0.0),
        ("compute", "2024.1", 3, "Initech", 2, round(2 / 15, 6), 0.0),
        ("compute", "2024.2", 1, "Acme", 1, 1.0, round(7 / 15, 6)),
        ("storage", "2024.1", 1, "Initech", 1, 1.0, 0.0),
        ("storage", "2024.2", 1, "Initech", 1, 0.5, 1.0)]


def test_team_table(con):
    frame = neutrality.team_table(con, Filters())
    # storage: i1 2 (Initech), p1 1 -> elephant 1 (2/3), HHI 4/9 + 1/9, pony 1, independents 1/3
    assert rows(frame, "team", "contributions", "people", "organisations", "elephant_factor", "top1_share",
                "hhi", "effective_orgs", "pony_factor", "independent_share") == [
        ("compute", 17, 6, 5, 2, round(8 / 17, 6), round(89 / 289, 6), round(289 / 89, 6), 2, round(3 / 17, 6)),
        ("storage", 3, 2, 2, 1, round(2 / 3, 6), round(5 / 9, 6), 1.8, 1, round(1 / 3, 6))]


def test_bots_only_with_the_filter(con):
    with_bots = neutrality.org_shares(con, Filters(team=("compute",), kind=("commit",), include_bots=True))
    assert with_bots["contributions"].sum() == 14   # 12 + zuul's 2


def test_organisation_and_person_drill_downs(con):
    acme = neutrality.org_detail(con, Filters(org=("Acme",)))
    assert rows(acme, "team", "kind", "contributions", "people", "share_of_team") == [
        ("compute", "commit", 6, 2, 0.5), ("compute", "core_review", 1, 1, 0.5),
        ("compute", "merged_change", 1, 1, 1.0)]
    a1 = neutrality.person_attribution(con, Filters(extra={"id": "email:a1@acme.com"}))
    assert rows(a1, "org", "org_rule", "kind", "contributions", "first_day", "last_day") == [
        ("Acme", "email domain", "commit", 4, date(2024, 1, 5), date(2024, 7, 15)),
        ("Acme", "email domain", "merged_change", 1, date(2024, 2, 5), date(2024, 2, 5))]
    assert a1["org_origin"][0] == "domain map: acme.com -> Acme (test)"


def test_empty_filters_give_empty_frames(con):
    nothing = Filters(team=("no-such-team",))
    for metric in (neutrality.org_shares, neutrality.concentration, neutrality.team_table,
                   neutrality.concentration_trend, neutrality.governance):
        assert metric(con, nothing).height == 0


def test_org_totals_and_drilldown_links(con):
    from healthdash.dashboard.charts.neutrality import with_drilldown_links
    from healthdash.dashboard.components import table_rows

    frame = neutrality.org_totals(con, COMPUTE)
    # all kinds: Acme 8 (a1 5, a2 3), Globex 4 (g1), Independent 3 (p1 2, p2 1), Initech 2 (i1) of 17
    assert rows(frame, "org", "contributions", "share", "people", "top_person_id") == [
        ("Acme", 8, round(8 / 17, 6), 2, "email:a1@acme.com"), ("Globex", 4, round(4 / 17, 6), 1, "email:g1@globex.com"),
        ("Independent", 3, round(3 / 17, 6), 2, "email:p1@gmail.com"), ("Initech", 2, round(2 / 17, 6), 1, "email:i1@initech.com")]
    linked = with_drilldown_links(neutrality.org_totals)(con, COMPUTE)
    assert linked["org_page"][0] == "/participation/organisation?team=compute&org=Acme"
    assert linked["top_person_page"][0] == "/participation/person/email:a1@acme.com?team=compute"
    columns, grid = table_rows(linked)       # names shown as in-app links; the path columns not shown
    assert [c["field"] for c in columns] == ["org", "contributions", "share", "people", "top_person"]
    assert grid[0]["org"] == "[Acme](/participation/organisation?team=compute&org=Acme)"
    assert grid[0]["top_person"] == "[a1](/participation/person/email:a1@acme.com?team=compute)"
    assert columns[0]["cellRendererParams"] == {"linkTarget": "_self"}


def test_in_app_links_never_make_markdown_or_html_from_data():
    from healthdash.dashboard.components import table_rows

    frame = pl.DataFrame({"org": ["[x](javascript:alert(1)) <b>*Bold*</b>", "Plain"],
                          "org_page": ["/participation/organisation?org=x", "https://evil.example/"]})
    columns, grid = table_rows(frame)
    assert [c["field"] for c in columns] == ["org", "org_page"]       # not every path in-app: no links
    frame = frame.with_columns(pl.Series("org_page", ["/participation/organisation?org=x", None]))
    columns, grid = table_rows(frame)
    assert [c["field"] for c in columns] == ["org"]
    assert grid[0]["org"] == ("[\\[x\\]\\(javascript:alert\\(1\\)\\) \\<b\\>\\*Bold\\*\\</b\\>]"
                              "(/participation/organisation?org=x)")
    assert grid[1]["org"] == "Plain"


def test_affiliation_changes_and_conflicts(tmp_path):
    from healthdash.identity import overrides
    from healthdash.identity.importers import read_file
    from healthdash.warehouse import writer
    from healthdash.warehouse.identity_load import rebuild_people, store_imported

    path = build(tmp_path / "w.duckdb")
    sponsors = tmp_path / "sponsors.csv"
    sponsors.write_text("email,org,start,end\na1@acme.com,Initech,2024-07-01,\n")
    with writer(path) as con:
        store_imported(con, overrides.parse('affiliation a1@acme.com Globex from 2024-07-01', "overrides"), rank=0)
        store_imported(con, read_file(sponsors), rank=1)
        rebuild_people(con)
    with reader(path) as connection:
        changes = neutrality.affiliation_changes(connection, Filters())
        conflicts = neutrality.affiliation_conflicts(connection, Filters())
    # a1: commits 01-05, 01-20, merged c1 02-05, commit 02-10 (Acme by domain), then 07-15 under the override
    assert rows(changes, "person", "changed_on", "from_org", "to_org", "last_day_before", "rule") == [
        ("a1", date(2024, 7, 15), "Acme", "Globex", date(2024, 2, 10), "override")]
    assert rows(conflicts, "person", "conflict_from", "conflict_to", "chosen_org", "other_org", "other_source") == [
        ("a1", date(2024, 7, 1), None, "Globex", "Initech", "sponsors.csv:2 a1@acme.com,Initech")]
