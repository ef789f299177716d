"""Participation metrics against numbers counted by hand from the conftest fixture.

Fixture (tests/conftest.py), non-merge commits by author and month:
    nova:              alice Jan x2, bob Jan, carol Feb, erin Feb (Acme then), erin Mar (Globex now),
                       zuul Mar (bot)
    python-novaclient: bob Mar, dave Mar
    swift:             dave Jan, dave Feb, alice Mar
plus one merged change by alice (Acme, Mar) with a +2 review by bob (Globex, Mar), and one merge
commit by alice (never counted).  Orgs: acme.com -> Acme, globex.com -> Globex, initech.com -> Initech,
gmail.com and openstack.org unmapped -> Independent; erin by affiliation period.
"""

from __future__ import annotations

from datetime import date

import pytest

from healthdash.metrics import parse_filters
from healthdash.metrics import participation as p
from healthdash.metrics.cycles import resolve_cycle
from healthdash.warehouse import reader


@pytest.fixture()
def con(participation_warehouse):
    with reader(participation_warehouse) as connection:
        yield connection


def _totals(df, key, value):
    out: dict[str, int] = {}
    for row in df.iter_rows(named=True):
        out[row[key]] = out.get(row[key], 0) + row[value]
    return out


def test_commits_by_org_all_teams(con):
    df = p.commits_by_org(con, parse_filters(""))
    # Bots out, merges out: 12 commits - zuul = 11.
    # Acme: alice Jan x2 + erin Feb + alice Mar (swift) = 4; Globex: bob Jan + erin Mar + bob Mar = 3;
    # Initech: dave Mar + dave Jan + dave Feb = 3; Independent: carol Feb = 1.
    assert _totals(df, "org", "commits") == {"Acme": 4, "Globex": 3, "Initech": 3, "Independent": 1}
    # Zero-filled grid: 3 months x 4 orgs.
    assert df.height == 12
    jan = {r["org"]: r["commits"] for r in df.filter(df["month"] == date(2024, 1, 1)).iter_rows(named=True)}
    # Jan: alice x2 (Acme), bob (Globex), dave swift (Initech), nobody independent.
    assert jan == {"Acme": 2, "Globex": 1, "Initech": 1, "Independent": 0}


def test_commits_by_org_team_and_top_n(con):
    df = p.commits_by_org(con, parse_filters("team=compute"), top_n=1)
    # compute = nova + python-novaclient.  Non-independent ranking: Acme 3 (alice x2, erin Feb),
    # Globex 3 (bob Jan, erin Mar, bob Mar), Initech 1: tie broken by name -> Acme kept, the rest Others.
    # Others: Jan bob = 1; Feb 0; Mar erin + bob + dave = 3.  Independent: carol Feb.
    rows = {(r["month"].month, r["org"]): r["commits"] for r in df.iter_rows(named=True)}
    assert rows == {
        (1, "Acme"): 2, (1, "Independent"): 0, (1, "Others"): 1,
        (2, "Acme"): 1, (2, "Independent"): 1, (2, "Others"): 0,
        (3, "Acme"): 0, (3, "Independent"): 0, (3, "Others"): 3,
    }


def test_commits_by_org_bots_dates_and_kinds(con):
    with_bots = p.commits_by_org(con, parse_filters("bots=1"))
    # zuul@openstack.org is an unmapped domain -> its own organisation, not Independent (carol Feb = 1).
    totals = _totals(with_bots, "org", "commits")
    assert totals["Independent"] == 1 and totals["openstack.org (unmapped)"] == 1
    feb = p.commits_by_org(con, parse_filters("start=2024-02-01&end=2024-02-29"))
    # February only: carol (Independent), erin (Acme, before her move), dave swift (Initech).
    assert _totals(feb, "org", "commits") == {"Acme": 1, "Independent": 1, "Initech": 1}
    # A kind filter without commits leaves the commits chart empty (not silently all commits).
    assert p.commits_by_org(con, parse_filters("kind=review")).is_empty()


def test_top_organisations_counts_every_kind(con):
    df = p.top_organisations(con, parse_filters(""))
    # 11 commits + alice's merged change (Acme) + bob's +2 (Globex) = 13 contributions.
    # Acme 4+1 = 5 (alice, erin), Globex 3+1 = 4 (bob, erin), Initech 3 (dave), Independent 1 (carol).
    assert df["org"].to_list() == ["Acme", "Globex", "Initech", "Independent"]
    assert df["contributions"].to_list() == [5, 4, 3, 1]
    assert df["share"].to_list() == pytest.approx([5 / 13, 4 / 13, 3 / 13, 1 / 13])
    assert df["contributors"].to_list() == [2, 2, 1, 1]


def test_top_organisations_folds_the_tail_into_others(con):
    df = p.top_organisations(con, parse_filters(""), top_n=2)
    # Acme 5, Globex 4 kept; Others = Initech 3 + Independent 1 = 4 from 2 organisations, 2 people.
    assert df.rows() == [("Acme", 5, pytest.approx(5 / 13), 2, 1), ("Globex", 4, pytest.approx(4 / 13), 2, 1),
                         ("Others", 4, pytest.approx(4 / 13), 2, 2)]


def test_summary_kpis(con):
    row = p.summary(con, parse_filters("")).row(0, named=True)
    # People: alice, bob, carol, dave, erin = 5 (alice's git and gerrit identities share an email);
    # organisations: Acme, Globex, Initech = 3; top org Acme 5/13; independents 1/13.
    assert row["contributions"] == 13
    assert row["contributors"] == 5
    assert row["organisations"] == 3
    assert row["top_org"] == "Acme"
    assert row["top_org_share"] == pytest.approx(5 / 13)
    assert row["independent_share"] == pytest.approx(1 / 13)


def test_summary_of_an_empty_selection_is_one_row_of_zeros(con):
    row = p.summary(con, parse_filters("org=Nobody")).row(0, named=True)
    assert (row["contributions"], row["contributors"], row["organisations"]) == (0, 0, 0)
    assert row["top_org"] is None and row["top_org_share"] is None


def test_release_cycle_filter(con):
    # Cycle 2024.1 = January: alice x2 (Acme), bob (Globex), dave (Initech) -> 4 commits.
    filters = resolve_cycle(con, parse_filters("cycle=2024.1"))
    assert (filters.start, filters.end) == (date(2024, 1, 1), date(2024, 1, 31))
    assert _totals(p.commits_by_org(con, filters), "org", "commits") == {"Acme": 2, "Globex": 1, "Initech": 1}


def test_summary_counts_an_unmapped_domain_as_an_organisation_but_not_unknown(tmp_path):
    """Unknown (identities without email) is no organisation; "x (unmapped)" is one (README)."""
    import polars as pl

    from healthdash.warehouse import load, writer
    from conftest import PARTICIPATION_FIXTURE, build_warehouse

    path = build_warehouse(tmp_path / "w.duckdb", PARTICIPATION_FIXTURE)
    with writer(path) as con:   # + one commit by a GitHub-only identity and one from an unmapped domain
        load.upsert(con, "identities", pl.DataFrame({
            "identity_id": ["gh:ghost", "git:una"], "source": ["github", "git"],
            "username": ["ghost", None], "email": [None, "una@startup.example"]}))
        load.upsert(con, "commits", PARTICIPATION_FIXTURE["commits"].head(2).with_columns(
            pl.Series("sha", ["f" * 40, "e" * 40]), pl.Series("author_identity", ["gh:ghost", "git:una"]),
            pl.Series("committer_identity", ["gh:ghost", "git:una"])))
    with reader(path) as con:
        row = p.summary(con, parse_filters("")).row(0, named=True)
    # 13 + 2 contributions; people 5 + 2; organisations Acme, Globex, Initech + startup.example (unmapped) = 4
    assert (row["contributions"], row["contributors"], row["organisations"]) == (15, 7, 4)
    assert row["independent_share"] == pytest.approx(1 / 15)     # neither new commit is independent
