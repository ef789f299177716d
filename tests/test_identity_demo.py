"""The demo's affiliation part: files every importer reads, consistent with the demo's truth."""

from datetime import timedelta

import pytest

from healthdash.demo.affiliation import affiliation_part
from healthdash.demo.build import DemoContext
from healthdash.demo.community import generate
from healthdash.identity.importers import read_file
from healthdash.identity.merge import Identity, LinkRow, build_people


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    community = generate(2026)
    ctx = DemoContext(community, tmp_path_factory.mktemp("demo"), server=None, config={})
    affiliation_part(ctx)
    files = {spec.rsplit("/", 1)[-1]: read_file(ctx.demo_dir / spec) for spec in ctx.config["affiliations"]["files"]}
    files["overrides.txt"] = read_file(ctx.demo_dir / ctx.config["affiliations"]["overrides"])
    return community, ctx, files


def _org_on(imported_list, email, day):
    """The organisation the files (in precedence order) give ``email`` on ``day``."""
    for imported in imported_list:
        for period in imported.periods:
            if period.key == "e:" + email.lower() and period.valid_from <= day and (
                    period.valid_to is None or day < period.valid_to):
                return period.org
    return None


def test_hidden_employer_changes_are_on_record_with_exact_dates(demo):
    community, ctx, files = demo
    ordered = [files["overrides.txt"], files["sponsors.csv"], files["developers_affiliations1.txt"],
               files["default_data.json"]]
    hidden = [p for p in community.people if p.affiliations and p.affiliations[0].evidence == "affiliation-file"
              and any(a.valid_from or a.valid_to for a in p.affiliations)]
    assert len(hidden) >= 3
    for person in hidden:
        change = next(a.valid_from for a in person.affiliations if a.valid_from)
        for day in (change - timedelta(days=1), change):
            assert _org_on(ordered, person.primary_email, day) == person.org_at(day), (person.name, day)


def test_stale_record_makes_one_conflict_that_gitdm_wins(demo):
    community, ctx, files = demo
    stale = next(p for p in community.people if p.person_id == ctx.shared["affiliation_people"]["stale"])
    change = next(a.valid_from for a in stale.affiliations if a.valid_from)
    day = change + timedelta(days=10)
    gitdm = _org_on([files["developers_affiliations1.txt"]], stale.primary_email, day)
    stackalytics = _org_on([files["default_data.json"]], stale.primary_email, day)
    assert gitdm == stale.org_at(day) != stackalytics


def test_every_human_is_joined_across_addresses_and_accounts(demo):
    community, _, files = demo
    humans = [p for p in community.people if not p.is_bot]
    owner, identities = {}, []
    for index, human in enumerate(humans):
        mine = [Identity(f"git{index}.{n}", "git", human.name, e.address)
                for n, e in enumerate(human.emails) if e.kind != "misconfigured"]
        mine.append(Identity(f"gh{index}", "github", human.name, None, human.username))
        identities += mine
        owner.update({i.identity_id: human.person_id for i in mine})
    links = [LinkRow(name, link.a, link.b, link.name, link.detail)
             for name, imported in files.items() for link in imported.links]
    people = build_people(identities, links)
    person_of = {i: p for i, (p, _) in people.identity_person.items()}
    for human in humans:
        ids = {person_of[i.identity_id] for i in identities if owner[i.identity_id] == human.person_id}
        assert len(ids) == 1, human.name
    assert len(set(person_of.values())) == len(humans)
