"""Attribution through the contributions view, materialised at the end of every write."""

from datetime import date, datetime, timezone

import polars as pl

from collectors.base import identity_id
from healthdash.warehouse import reader, writer
from healthdash.warehouse.load import upsert


def ts(day):
    return datetime(2024, 1, day, 10, tzinfo=timezone.utc)


def seed(con):
    people = [("Ann", "ann@vendor-a.example"), ("Bob", "bob@lab.vendor-a.example"),
              ("Cy", "cy@mail.example"), ("Dee", "dee@vendor-b.example"), ("Bot", "ci@zuul.example")]
    ids = {name: identity_id("git", email=email, name=name) for name, email in people}
    upsert(con, "identities", pl.DataFrame({
        "identity_id": list(ids.values()), "source": ["git"] * 5,
        "name": [p[0] for p in people], "email": [p[1] for p in people]}))
    upsert(con, "org_domains", pl.DataFrame({
        "domain": ["vendor-a.example", "lab.vendor-a.example", "vendor-b.example"],
        "org": ["Vendor A", "A Labs", "Vendor B"], "origin": ["t"] * 3}))
    # Dee worked for Vendor C until 2024-01-10 (exclusive), whatever her domain says.
    upsert(con, "affiliations", pl.DataFrame({
        "person_id": ["email:dee@vendor-b.example"], "org": ["Vendor C"],
        "valid_from": [date(2020, 1, 1)], "valid_to": [date(2024, 1, 10)], "origin": ["t"]}))
    con.execute("INSERT INTO bot_patterns VALUES ('ci@*')")
    rows = [("Ann", 1), ("Ann", 2), ("Bob", 3), ("Cy", 4), ("Dee", 9), ("Dee", 10), ("Bot", 5)]
    upsert(con, "commits", pl.DataFrame({
        "repo": ["nova"] * len(rows), "sha": [f"s{i}" for i in range(len(rows))], "is_merge": [False] * len(rows),
        "author_identity": [ids[r[0]] for r in rows], "author_date": [ts(r[1]) for r in rows],
        "committer_identity": [ids[r[0]] for r in rows], "commit_date": [ts(r[1]) for r in rows]}))


def test_orgs_by_period_then_longest_domain_suffix_then_unmapped_domain(tmp_path):
    path = tmp_path / "w.duckdb"
    with writer(path) as con:
        seed(con)
    with reader(path) as con:
        got = con.execute(
            "SELECT item_key, org, org_rule, is_independent FROM contributions_in(NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL) "
            "ORDER BY item_key").fetchall()
        with_bots = con.execute(
            "SELECT count(*) FROM contributions_in(NULL,NULL,NULL,NULL,NULL,NULL,NULL,true)").fetchone()[0]
        in_window = con.execute(
            "SELECT count(*) FROM contributions_in(NULL,NULL,NULL,DATE '2024-01-02',DATE '2024-01-09',NULL,NULL,NULL)"
        ).fetchone()[0]
    assert got == [
        ("nova@s0", "Vendor A", "email domain", False),
        ("nova@s1", "Vendor A", "email domain", False),
        ("nova@s2", "A Labs", "email domain", False),          # longest suffix wins over vendor-a.example
        ("nova@s3", "mail.example (unmapped)", "unmapped domain", False),   # not a public provider
        ("nova@s4", "Vendor C", "affiliation period", False),   # 2024-01-09 < valid_to 2024-01-10
        ("nova@s5", "Vendor B", "email domain", False),         # period ended (exclusive) -> domain
    ]
    assert with_bots == 7   # the bot's commit only with f_bots
    assert in_window == 4   # days 2, 3, 4, 9 (day 5 is the bot's); end date inclusive


def test_concentration_units_unmapped_domain_is_one_organisation_independents_and_unknown_each_apart(tmp_path):
    path = tmp_path / "w.duckdb"
    people = [("Una", "una@startup.example", None), ("Uli", "uli@startup.example", None),
              ("Pat", "pat@gmail.com", None), ("Pia", "pia@gmail.com", None),
              ("Gh1", None, "gh1"), ("Gh2", None, "gh2")]
    ids = [identity_id("git", email=e, name=n) if e else f"github:{u}" for n, e, u in people]
    with writer(path) as con:
        upsert(con, "identities", pl.DataFrame({
            "identity_id": ids, "source": ["git"] * 4 + ["github"] * 2, "name": [p[0] for p in people],
            "email": [p[1] for p in people], "username": [p[2] for p in people]}))
        upsert(con, "commits", pl.DataFrame({
            "repo": ["nova"] * 6, "sha": [f"u{i}" for i in range(6)], "is_merge": [False] * 6,
            "author_identity": ids, "author_date": [ts(i + 1) for i in range(6)],
            "committer_identity": ids, "commit_date": [ts(i + 1) for i in range(6)]}))
        con.execute("INSERT INTO public_mail_domains VALUES ('gmail.com')")
    with reader(path) as con:
        rows = con.execute("SELECT org, org_unit, attribution_rule FROM contribution_facts ORDER BY item_key").fetchall()
    orgs = [r[0] for r in rows]
    units = [r[1] for r in rows]
    assert orgs == ["startup.example (unmapped)"] * 2 + ["Independent"] * 2 + ["Unknown"] * 2
    assert units[0] == units[1] == "startup.example (unmapped)"          # one employer behind one domain
    assert len({units[2], units[3], units[4], units[5]}) == 4             # each person apart
    assert [r[2] for r in rows] == ["unmapped domain"] * 2 + ["public mail"] * 2 + ["no email"] * 2
