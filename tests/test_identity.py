"""Identities -> people -> organisations: merge rules, precedence, corrections, conflicts."""

import json
from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl

from collectors.base import identity_id
from healthdash.collect import collect, configured_sources
from healthdash.identity import overrides
from healthdash.identity.importers import read_file
from healthdash.identity.merge import Identity, LinkRow, build_people
from healthdash.settings import load_settings
from healthdash.warehouse import reader, writer
from healthdash.warehouse.identity_load import rebuild_people, store_imported
from healthdash.warehouse.load import upsert
from gitrepo import make_repo

DATA = Path(__file__).parent / "data" / "affiliation"
ALL = "NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL"


def ident(source, email=None, name=None, username=None, account_id=None):
    return Identity(identity_id(source, email=email, name=name, username=username, account_id=account_id),
                    source, name, email, username, account_id)


def test_merge_by_casefolded_email_account_id_and_username_never_by_name():
    a1 = ident("git", "Ada@Vendor-A.example", "Ada")
    a2 = ident("gerrit", "ada@vendor-a.example", "Ada", "ada", "30001")
    a3 = ident("gerrit", "ada.home@mail.example", "Ada", "ada", "30001")    # same account, other email
    a4 = ident("launchpad", None, "Ada O", "ada-owner")
    a5 = ident("launchpad", "ada@elsewhere.example", "Ada O", "ada-owner")  # same launchpad username
    twin = ident("git", "ada@other.example", "Ada")                          # same name only
    people = build_people([a1, a2, a3, a4, a5, twin], [])
    person = {i: p for i, (p, _) in people.identity_person.items()}
    assert person[a1.identity_id] == person[a2.identity_id] == person[a3.identity_id]
    assert person[a4.identity_id] == person[a5.identity_id] != person[a1.identity_id]
    assert person[twin.identity_id] not in (person[a1.identity_id], person[a4.identity_id])
    assert person[a1.identity_id] == "email:ada.home@mail.example"   # root: smallest email of the person
    assert people.identity_person[a3.identity_id][1] == "email ada.home@mail.example"
    assert "gerrit account id 30001" in people.identity_person[a1.identity_id][1]


def test_links_mailmap_names_and_splits():
    ada = ident("git", "ada@vendor-a.example", "Ada Owner")
    typo = ident("git", "ada.typo@mail.example", "Ada Typo")
    stranger = ident("git", "ada.typo@mail.example", "Someone Else")   # same address, other name
    laptop = ident("git", "ada@old-laptop.local", "Ada")
    links = [LinkRow("nova/.mailmap", lk.a, lk.b, lk.name, lk.detail)
             for lk in read_file(f"mailmap:{DATA / 'mailmap'}", origin="nova/.mailmap").links]
    people = build_people([ada, typo, stranger, laptop], links)
    person = {i: p for i, (p, _) in people.identity_person.items()}
    assert person[ada.identity_id] == person[laptop.identity_id] == person[typo.identity_id]
    # the named entry links Ada Typo's address to Ada (the stranger shares the address, so joins too)
    assert "nova/.mailmap:3 maps Ada Typo <ada.typo@mail.example>" in people.identity_person[ada.identity_id][1]
    # Split the laptop address: it stands alone again, whatever the mailmap says.
    split = build_people([ada, typo, stranger, laptop], links, splits=["e:ada@old-laptop.local"])
    person = {i: p for i, (p, _) in split.identity_person.items()}
    assert person[laptop.identity_id] == "email:ada@old-laptop.local" != person[ada.identity_id]
    # ... unless an override (trusted origin) merges it explicitly.
    merged = build_people([ada, laptop], links + [LinkRow("overrides", "e:ada@vendor-a.example",
                                                          "e:ada@old-laptop.local", None, "overrides:3 merge")],
                          splits=["e:ada@old-laptop.local"], trusted_origins=["overrides"])
    assert len({p for p, _ in merged.identity_person.values()}) == 1


def test_bots_by_pattern_suffix_ci_name_and_marks():
    bot = ident("github", None, "dependabot[bot]", "dependabot[bot]")
    ci = ident("gerrit", None, "Zuul", "zuul", "22348")
    runner = ident("git", "ci-runner@corp.example", "Runner")
    human = ident("git", "robot.fan@mail.example", "Robo Fan")
    people = build_people([bot, ci, runner, human], [], bot_patterns=["ci-*@*", "robo*"],
                          bot_marks={"e:robot.fan@mail.example": False})
    flags = {p: is_bot for p, (_, is_bot) in people.people.items()}
    by_id = {i: flags[p] for i, (p, _) in people.identity_person.items()}
    assert by_id[bot.identity_id] and by_id[ci.identity_id] and by_id[runner.identity_id]
    assert not by_id[human.identity_id]   # the notbot mark beats the "robo*" pattern


def _ts(day):
    return datetime.fromisoformat(day + "T12:00:00").replace(tzinfo=timezone.utc)


def _seed_commits(con, rows):
    """rows: (email, name, day) -> one commit each, authors as git identities."""
    ids = [identity_id("git", email=e, name=n) for e, n, _ in rows]
    upsert(con, "identities", pl.DataFrame({"identity_id": ids, "source": ["git"] * len(rows),
                                            "name": [n for _, n, _ in rows], "email": [e for e, _, _ in rows]}))
    upsert(con, "commits", pl.DataFrame({
        "repo": ["nova"] * len(rows), "sha": [f"{i:040x}" for i in range(len(rows))],
        "is_merge": [False] * len(rows), "author_identity": ids, "author_date": [_ts(d) for _, _, d in rows],
        "committer_identity": ids, "commit_date": [_ts(d) for _, _, d in rows]}))


def _attributions(path):
    with reader(path) as con:
        return con.execute(f"SELECT item_key, person_id, org, org_rule FROM contributions_in({ALL}) "
                           "ORDER BY item_key").fetchall()


def test_precedence_override_then_files_then_public_mail_then_domain_then_default(tmp_path):
    path = tmp_path / "w.duckdb"
    rows = [("ada@vendor-a.example", "Ada", "2021-01-10"),      # 0 stackalytics: Vendor B until 2021-06-30
            ("ada@vendor-a.example", "Ada", "2021-06-30"),      # 1 end date exclusive -> Vendor A
            ("ada.owner@mail.example", "Ada", "2023-05-01"),    # 2 same person (user emails); override wins
            ("pat@gmail.com", "Pat", "2023-01-01"),             # 3 public provider -> Independent
            ("bo@lab.vendor-b.example", "Bo", "2023-01-01"),    # 4 subdomain -> Vendor B by suffix
            ("old@oldco.example", "Old", "2012-07-19"),         # 5 dated domain map -> Vendor C
            ("old@oldco.example", "Old", "2012-07-20"),         # 6 -> Vendor A
            ("who@nowhere.example", "Who", "2023-01-01")]       # 7 unmapped corporate domain -> its own org
    with writer(path) as con:
        _seed_commits(con, rows)
        store_imported(con, read_file(DATA / "default_data.json"), rank=1)
        store_imported(con, read_file(DATA / "domain-map"), rank=2)
        store_imported(con, overrides.parse('affiliation ada@vendor-a.example "Vendor Z" from 2023-01-01',
                                            "overrides"), rank=0)
        rebuild_people(con)
    got = [(org, rule) for _, _, org, rule in _attributions(path)]
    assert got == [("Vendor B", "affiliation period"), ("Vendor A", "affiliation period"),
                   ("Vendor Z", "override"), ("Independent", "public mail provider"),
                   ("Vendor B", "email domain"), ("Vendor C", "email domain"), ("Vendor A", "email domain"),
                   ("nowhere.example (unmapped)", "unmapped domain")]
    with writer(path) as con:   # `unknown_org = "Unknown"` in the settings: one catch-all name instead
        con.execute("UPDATE attribution_settings SET value = 'Unknown' WHERE key = 'unknown_org'")
    assert _attributions(path)[7][2:] == ("Unknown", "unmapped domain")


def test_conflicting_files_are_listed_and_the_lower_rank_wins(tmp_path):
    path = tmp_path / "w.duckdb"
    conflicting = tmp_path / "sponsors.csv"
    conflicting.write_text("email,org,start,end\njane.doe@vendor-a.example,Vendor Q,2020-01-01,2021-01-01\n")
    with writer(path) as con:
        _seed_commits(con, [("jane.doe@vendor-a.example", "Jane", "2020-06-01"),
                            ("jdoe@laptop.local", "Jane", "2023-06-01")])
        store_imported(con, read_file(DATA / "developers_affiliations1.txt"), rank=1)
        store_imported(con, read_file(conflicting), rank=2)
        store_imported(con, read_file(DATA / "aliases"), rank=3)
        rebuild_people(con)
    got = _attributions(path)
    # Both commits are Jane's (aliases file); the gitdm file (rank 1) wins over the CSV (rank 2).
    assert {g[1] for g in got} == {"email:jane.doe@vendor-a.example"}
    assert [g[2] for g in got] == ["Vendor B", "Vendor A"]
    with reader(path) as con:
        conflicts = con.execute("SELECT conflict_from, conflict_to, chosen_org, other_org, other_source "
                                "FROM affiliation_conflicts").fetchall()
    assert conflicts == [
        (date(2020, 1, 1), date(2021, 1, 1), "Vendor B", "Vendor Q", "sponsors.csv:2 jane.doe@vendor-a.example,Vendor Q")]


def test_collect_reads_mailmap_config_files_and_survives_a_bad_file(tmp_path):
    repo = make_repo(tmp_path, name="nova", commits=[
        {"author": "Ada Owner <ada@vendor-a.example>", "date": "2024-01-02T10:00:00Z",
         "files": {".mailmap": "Ada Owner <ada@vendor-a.example> <ada@old-laptop.local>\n"}},
        {"author": "Ada <ada@old-laptop.local>", "date": "2024-01-03T10:00:00Z", "files": {"a": "1\n"}},
        {"author": "Bo <bo@vendor-b.example>", "date": "2024-01-04T10:00:00Z", "files": {"b": "1\n"}}])
    (tmp_path / "overrides.txt").write_text('affiliation bo@vendor-b.example "Vendor Q" until 2024-01-04\n')
    (tmp_path / "broken.csv").write_text("email,org,start,end\nnot-an-email,X,,\n")
    config = tmp_path / "healthdash.toml"
    config.write_text(f"""
warehouse = "w.duckdb"
[[teams]]
name = "compute"
projects = [{{name = "nova", repos = ["nova"]}}]
[repos.nova]
path = "{repo}"
[affiliations]
files = ["{DATA / 'default_data.json'}", "broken.csv"]
[governance]
window_days = 90
""")
    settings = load_settings(config)
    collect(settings, configured_sources(settings))
    with reader(settings.warehouse) as con:
        rows = con.execute(f"SELECT person_id, org, org_rule FROM contributions_in({ALL}) ORDER BY ts").fetchall()
        failed = con.execute("SELECT source_id, last_error FROM sources WHERE kind = 'affiliation' "
                             "AND last_error IS NOT NULL").fetchall()
        window = con.execute("SELECT value FROM attribution_settings WHERE key = 'governance.window_days'").fetchall()
    assert rows == [("email:ada.owner@mail.example", "Vendor A", "affiliation period"),
                    ("email:ada.owner@mail.example", "Vendor A", "affiliation period"),
                    ("email:bo@vendor-b.example", "Vendor B", "email domain")]   # override ended 01-04 (exclusive)
    assert failed == [("affiliation:broken.csv", f"{tmp_path / 'broken.csv'}:2: 'not-an-email' is not an email address")]
    assert window == [("90",)]   # [governance] reaches the governance query


def test_after_a_stale_files_last_change_a_mapped_newer_email_domain_wins(tmp_path):
    """Stackalytics' file ends in 2021: its open-ended periods yield to a mapped email domain after
    the file's newest end_date (here 2021-06-30), never before, and never to a public or unmapped one."""
    stale = tmp_path / "default_data.json"
    stale.write_text(json.dumps({
        "companies": [{"company_name": "Vendor A", "domains": ["vendor-a.example"]},
                      {"company_name": "Vendor B", "domains": ["vendor-b.example"]}],
        "users": [{"user_name": "Ada", "emails": ["ada@vendor-a.example", "ada@vendor-b.example",
                                                  "ada@gmail.com", "ada@startup.example"],
                   "companies": [{"company_name": "Vendor A", "end_date": None}]},
                  {"user_name": "Old", "emails": ["old@vendor-a.example"],
                   "companies": [{"company_name": "Vendor A", "end_date": "2021-Jun-30"}]}]}))
    path = tmp_path / "w.duckdb"
    rows = [("ada@vendor-b.example", "Ada", "2021-01-01"),   # 0 before the file's last change: the period
            ("ada@vendor-b.example", "Ada", "2023-01-01"),   # 1 after it, domain maps elsewhere: Vendor B
            ("ada@gmail.com", "Ada", "2023-01-01"),          # 2 public mail is no evidence: the period
            ("ada@vendor-a.example", "Ada", "2023-01-01"),   # 3 same organisation either way
            ("ada@startup.example", "Ada", "2023-01-01")]    # 4 unmapped domain is no evidence: the period
    with writer(path) as con:
        _seed_commits(con, rows)
        store_imported(con, read_file(stale), rank=1)
        rebuild_people(con)
    got = _attributions(path)
    assert [(org, rule) for _, _, org, rule in got] == [
        ("Vendor A", "affiliation period"), ("Vendor B", "email domain"), ("Vendor A", "affiliation period"),
        ("Vendor A", "affiliation period"), ("Vendor A", "affiliation period")]
    with reader(path) as con:
        origin = con.execute(f"SELECT org_origin FROM contributions_in({ALL}) WHERE org = 'Vendor B'").fetchall()
        until = con.execute("SELECT data_until FROM affiliation_files").fetchall()
    assert until == [(date(2021, 6, 30),)]
    assert "newer than default_data.json (data until 2021-06-30)" in origin[0][0]
