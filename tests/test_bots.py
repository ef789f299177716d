"""Bots: literal brackets, defaults that catch real automation and no human (issue 9, item 1).

The real names come from ../shared/data: every person in OpenStack's Stackalytics
file and every author and committer of the two real histories.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timezone

import polars as pl
import pytest

from collectors.base import identity_id
from healthdash.identity.bots import DEFAULT_BOT_PATTERNS, all_patterns, matching_pattern
from healthdash.warehouse import reader, writer
from healthdash.warehouse.identity_load import rebuild_people
from healthdash.warehouse.load import upsert
from conftest import SHARED_DATA, needs_shared

#: Read by hand from `git log --format='%an <%ae>%n%cn <%ce>'` of both bundles: the automation.
BUNDLE_BOTS = {
    ("Jenkins", "jenkins@review.openstack.org"), ("OpenStack Jenkins", "jenkins@openstack.org"),
    ("Zuul", "zuul@review.opendev.org"), ("Zuul", "zuul@review.openstack.org"),
    ("OpenStack Proposal Bot", "openstack-infra@lists.openstack.org"),
    ("OpenStack Release Bot", "infra-root@openstack.org"),
    ("OpenDev Sysadmins", "openstack-infra@lists.openstack.org"),
}


@pytest.mark.parametrize("value, pattern, expected", [
    ("dependabot[bot]", "*[bot]", True),
    ("github-actions[bot]", "*[bot]", True),
    ("bob", "*[bot]", False),            # as a character class "[bot]" would match any b, o or t
    ("robot", "*[bot]*", False),
    ("toby@example.org", "*[bot]*", False),
    ("zuul@review.opendev.org", "zuul@*", True),
    ("zuul-fan@example.org", "zuul", False),
])
def test_brackets_are_literal(value, pattern, expected):
    assert (matching_pattern([value], [pattern]) is not None) is expected


def test_configured_patterns_add_to_the_defaults():
    assert all_patterns(["CI-*", "zuul"])[:len(DEFAULT_BOT_PATTERNS)] == list(DEFAULT_BOT_PATTERNS)
    assert all_patterns(["CI-*", "zuul"])[-1] == "ci-*"


def test_sql_fallback_and_people_agree_and_say_why(tmp_path):
    """The view's GLOB (identities not merged yet) and the rebuild both treat brackets as literal."""
    names = [("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
             ("Bob Botham", "bob@vendor-a.example"), ("Zuul", "zuul@review.opendev.org")]
    ids = [identity_id("git", email=e, name=n) for n, e in names]
    path = tmp_path / "w.duckdb"
    with writer(path) as con:
        upsert(con, "identities", pl.DataFrame({"identity_id": ids, "source": ["git"] * 3,
                                                "name": [n for n, _ in names], "email": [e for _, e in names]}))
        con.execute("INSERT INTO bot_patterns SELECT unnest(?)", [list(DEFAULT_BOT_PATTERNS)])
        before = dict(con.execute("SELECT name, is_bot FROM identity_people").fetchall())
        rebuild_people(con)
    assert before == {"dependabot[bot]": True, "Bob Botham": False, "Zuul": True}
    with reader(path) as con:
        after = dict(con.execute("SELECT display_name, bot_reason FROM people").fetchall())
    assert after == {"dependabot[bot]": "pattern '*[bot]' on 'dependabot[bot]'", "Bob Botham": None,
                     "Zuul": "pattern 'zuul' on 'zuul'"}


@needs_shared
def test_no_person_in_stackalytics_is_a_bot_except_its_robot_account():
    data = json.loads((SHARED_DATA / "openstack" / "stackalytics-default_data.json").read_text("utf-8"))
    flagged = set()
    for user in data["users"]:
        values = [user.get("user_name"), *user["emails"], user.get("launchpad_id"), user.get("github_id")]
        if matching_pattern(values, DEFAULT_BOT_PATTERNS):
            flagged.add(user.get("user_name"))
    assert len(data["users"]) == 2971
    assert flagged == {"OpenStack Robot"}     # its emails are jenkins@, zuul@, infra-root@ ...


@needs_shared
def test_the_bots_of_the_real_histories_and_no_one_else(openstack_clones):
    people = set()
    for clone in openstack_clones.values():
        out = subprocess.run(["git", "-C", str(clone), "log", "--format=%an%x00%ae%n%cn%x00%ce"],
                             capture_output=True, text=True, check=True).stdout
        people |= {tuple(line.split("\0")) for line in out.splitlines() if line}
    assert len(people) > 250
    flagged = {p for p in people if matching_pattern(p, DEFAULT_BOT_PATTERNS)}
    assert flagged == BUNDLE_BOTS


def test_people_show_says_which_pattern_made_a_bot(tmp_path):
    from typer.testing import CliRunner

    from healthdash.cli import app
    path = tmp_path / "w.duckdb"
    config = tmp_path / "healthdash.toml"
    config.write_text("warehouse = 'w.duckdb'\n")
    iid = identity_id("git", email="infra-root@openstack.org", name="OpenStack Release Bot")
    with writer(path) as con:
        upsert(con, "identities", pl.DataFrame({"identity_id": [iid], "source": ["git"],
                                                "name": ["OpenStack Release Bot"],
                                                "email": ["infra-root@openstack.org"]}))
        upsert(con, "commits", pl.DataFrame({
            "repo": ["r"], "sha": ["a" * 40], "is_merge": [False], "author_identity": [iid],
            "author_date": [datetime(2024, 1, 1, tzinfo=timezone.utc)], "committer_identity": [iid],
            "commit_date": [datetime(2024, 1, 1, tzinfo=timezone.utc)]}))
        rebuild_people(con)
    out = CliRunner().invoke(app, ["people", "show", "infra-root@openstack.org", "--config", str(config)])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())   # the console may wrap
    assert "bot (excluded from participation): pattern 'openstack release bot' on 'openstack release bot'" in text


def test_a_bot_mark_says_which_file_made_it(tmp_path):
    from healthdash.identity import overrides
    from healthdash.warehouse.identity_load import store_imported

    iid = identity_id("git", email="deploy@vendor-a.example", name="Deploy Helper")
    path = tmp_path / "w.duckdb"
    with writer(path) as con:
        upsert(con, "identities", pl.DataFrame({"identity_id": [iid], "source": ["git"], "name": ["Deploy Helper"],
                                                "email": ["deploy@vendor-a.example"]}))
        store_imported(con, overrides.parse("bot deploy@vendor-a.example", "overrides"), rank=0)
        rebuild_people(con)
    with reader(path) as con:
        assert con.execute("SELECT bot_reason FROM people").fetchall() == [
            ("marked as a bot in overrides for deploy@vendor-a.example",)]
