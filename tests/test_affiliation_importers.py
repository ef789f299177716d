"""Affiliation importers on realistic files: Stackalytics, gitdm, CSV, overrides, .mailmap."""

from datetime import date
from pathlib import Path

import pytest

from healthdash.errors import ConfigError
from healthdash.identity import gitdm, mailmap, overrides
from healthdash.identity.importers import detect_format, read_file
from healthdash.identity.records import EPOCH, chain_untils

DATA = Path(__file__).parent / "data" / "affiliation"


def periods_of(imported, key):
    return sorted((p.org, p.valid_from, p.valid_to) for p in imported.periods if p.key == key)


def test_stackalytics_end_dates_are_exclusive_and_end_in_independent():
    imported = read_file(DATA / "default_data.json")
    assert imported.format == "stackalytics"
    # Ada: Vendor B until 2021-Jun-30 (exclusive), then Vendor A open-ended.
    assert periods_of(imported, "e:ada@vendor-a.example") == [
        ("Vendor A", date(2021, 6, 30), None), ("Vendor B", EPOCH, date(2021, 6, 30))]
    # The second email is case-folded and carries the same periods.
    assert periods_of(imported, "e:ada.owner@mail.example") == periods_of(imported, "e:ada@vendor-a.example")
    # Carl: the last entry has an end date, so *independent follows; "Self Employed" is Independent.
    assert periods_of(imported, "e:carl@consult.example") == [
        ("Independent", date(2020, 1, 15), date(2022, 3, 1)),
        ("Independent", date(2022, 3, 1), None),
        ("Vendor A Inc.", EPOCH, date(2020, 1, 15))]
    assert imported.org_aliases["vendor a inc."] == "Vendor A"
    assert imported.org_aliases["unaffiliated"] == "Independent"


def test_stackalytics_users_link_emails_and_accounts_and_companies_give_domains():
    imported = read_file(DATA / "default_data.json")
    pairs = {(link.a, link.b) for link in imported.links}
    assert ("e:ada@vendor-a.example", "e:ada.owner@mail.example") in pairs
    assert ("e:ada@vendor-a.example", "u:launchpad:ada-owner") in pairs
    assert ("e:ada@vendor-a.example", "u:github:adaowner") in pairs
    domains = {(d.domain, d.org) for d in imported.domains}
    assert domains == {("vendor-a.example", "Vendor A"), ("va.example", "Vendor A"),
                       ("vendor-b.example", "Vendor B")}


def test_stackalytics_bad_date_names_file_and_entry(tmp_path):
    bad = tmp_path / "default_data.json"
    bad.write_text('{"users": [{"user_name": "X", "emails": ["x@y.example"], '
                   '"companies": [{"company_name": "A", "end_date": "2021-06-30"}]}], "companies": []}')
    with pytest.raises(ConfigError, match=r"default_data.json: users\[0\].companies\[0\]: end_date '2021-06-30'"):
        read_file(bad)


def test_gitdm_developers_affiliations_from_until_and_github_login():
    imported = read_file(DATA / "developers_affiliations1.txt")
    expected = [("Independent", EPOCH, date(2019, 5, 1)),
                ("Vendor A", date(2022, 1, 1), None),
                ("Vendor B", date(2019, 5, 1), date(2022, 1, 1))]
    assert periods_of(imported, "e:jdoe@users.noreply.github.com") == expected
    assert periods_of(imported, "e:jane.doe@vendor-a.example") == expected
    assert periods_of(imported, "u:github:jdoe-gh") == expected
    # "NotFound" says nothing: no period at all.
    assert periods_of(imported, "e:nobody@mail.example") == []
    # A line without "from" starts where the previous one ended.
    assert periods_of(imported, "e:sam@vendor-c.example") == [
        ("Vendor C", EPOCH, date(2020, 7, 1)), ("Vendor D", date(2020, 7, 1), None)]


def test_gitdm_email_map_chains_less_than_dates():
    imported = read_file(DATA / "email-map")
    assert periods_of(imported, "e:jdoe@users.noreply.github.com") == [
        ("Independent", EPOCH, date(2019, 5, 1)),
        ("Vendor A", date(2022, 1, 1), None),
        ("Vendor B", date(2019, 5, 1), date(2022, 1, 1))]
    assert periods_of(imported, "e:jane.doe@vendor-a.example") == [("Vendor A", EPOCH, None)]


def test_gitdm_domain_map_with_dates_and_aliases():
    imported = read_file(DATA / "domain-map")
    assert sorted((d.domain, d.org, d.valid_from, d.valid_to) for d in imported.domains) == [
        ("oldco.example", "Vendor A", date(2012, 7, 20), None),
        ("oldco.example", "Vendor C", EPOCH, date(2012, 7, 20)),
        ("research.vendor-a.example", "Vendor A Research", EPOCH, None),
        ("vendor-a.example", "Vendor A", EPOCH, None)]
    aliases = read_file(DATA / "aliases")
    assert {(link.a, link.b) for link in aliases.links} == {
        ("e:jane.doe@vendor-a.example", "e:jdoe@laptop.local"),
        ("e:ada@vendor-a.example", "e:ada@old-laptop.local")}


def test_gitdm_bad_line_names_file_and_line(tmp_path):
    bad = tmp_path / "email-map"
    bad.write_text("jane!vendor-a.example Vendor A\nnot-an-email Vendor B\n")
    with pytest.raises(ConfigError, match=r"email-map:2: 'not-an-email' is not an email"):
        read_file(bad)
    bad_dev = tmp_path / "developers_affiliations2.txt"
    bad_dev.write_text("x: x!a.example\n\tVendor A from 2020-01-01 until 2019-01-01\n")
    with pytest.raises(ConfigError, match=r"developers_affiliations2.txt:2: 'until 2019-01-01'"):
        read_file(bad_dev)


def test_csv_sponsor_file_and_errors(tmp_path):
    imported = read_file(DATA / "sponsors.csv")
    assert periods_of(imported, "e:carl@consult.example") == [("Vendor E", date(2022, 3, 1), None)]
    assert periods_of(imported, "e:erin@mail.example") == [("Vendor B", date(2023, 1, 1), date(2024, 1, 1))]
    bad = tmp_path / "sponsors.csv"
    bad.write_text("email,org,start,end\nok@a.example,A,2020-01-01,\nbad@a.example,A,01/02/2020,\n")
    with pytest.raises(ConfigError, match=r"sponsors.csv:3: start '01/02/2020' is not a date"):
        read_file(bad)
    headless = tmp_path / "people.csv"
    headless.write_text("mail,company\n")
    with pytest.raises(ConfigError, match="people.csv: the header must name the columns"):
        read_file(headless)


def test_mailmap_entries_merge_addresses_only():
    imported = mailmap.parse((DATA / "mailmap").read_text(), "nova/.mailmap")
    links = {(link.a, link.b, link.name) for link in imported.links}
    assert links == {("e:ada@vendor-a.example", "e:ada@old-laptop.local", None),
                     ("e:ada@vendor-a.example", "e:ada.typo@mail.example", "Ada Typo")}


def test_overrides_round_trip_and_errors():
    line = overrides.format_line("affiliation", "ada@vendor-a.example", "Vendor A",
                                 start=date(2022, 1, 1), end=date(2023, 6, 1))
    assert line == "affiliation ada@vendor-a.example 'Vendor A' from 2022-01-01 until 2023-06-01"
    parsed = overrides.parse(line + "\nmerge ada@vendor-a.example gerrit:ada\nsplit shared@corp.example\n"
                             "bot ci@corp.example\n", "overrides")
    assert periods_of(parsed, "e:ada@vendor-a.example") == [("Vendor A", date(2022, 1, 1), date(2023, 6, 1))]
    assert [(link.a, link.b) for link in parsed.links] == [("e:ada@vendor-a.example", "u:gerrit:ada")]
    assert parsed.splits == [("e:shared@corp.example", "overrides:3 split shared@corp.example")]
    assert parsed.bot_marks == {"e:ci@corp.example": True}
    with pytest.raises(ConfigError, match=r"my-overrides:1: unknown correction 'merj'"):
        overrides.parse("merj a@b.example c@d.example", "my-overrides")
    with pytest.raises(ConfigError, match=r"o:1: until 2020-01-01 is not after from 2021-01-01"):
        overrides.parse("affiliation a@b.example X from 2021-01-01 until 2020-01-01", "o")


def test_format_detection():
    assert detect_format(Path("etc/default_data.json")) == "stackalytics"
    assert detect_format(Path("developers_affiliations3.txt")) == "gitdm-developers"
    assert gitdm.detect(Path("src/cncf-config/email-map")) == "gitdm-email-map"
    with pytest.raises(ConfigError, match="cannot tell the affiliation format"):
        detect_format(Path("people.txt"))


def test_chain_untils_sorts_by_end_and_drops_empty_periods():
    assert chain_untils([("B", None), ("A", date(2020, 1, 1)), ("C", date(2019, 1, 1))]) == [
        ("C", EPOCH, date(2019, 1, 1)), ("A", date(2019, 1, 1), date(2020, 1, 1)), ("B", date(2020, 1, 1), None)]
