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
