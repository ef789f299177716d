"""The demo community: a seeded, deterministic model every demo generator reuses.

This is the first step of ``healthdash demo``: :func:`generate` builds plain
dataclasses (teams -> projects -> repos, organisations with email domains,
people with emails, affiliation periods and roles, release cycles).  Nothing
here touches git, HTTP or the warehouse; the generators in this package
(``activity`` -> ``git_history``, and later reviews, bugs, coverage) turn the
model into recorded-style sources that the real collectors read.

Dates are anchored to :data:`END_DATE`, never to the clock, so the same seed
always gives the same community.  The shape is chosen so every dashboard page
has something to show: one team close to single-vendor, one diverse team,
independents, a bot, people who change employer (some visibly through their
email domain, some only in affiliation records), people with a personal and a
work address, and a long tail of drive-by contributors who join and leave.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from healthdash.demo.model import (  # noqa: F401  (re-exported: the model is read through this module)
    BOT_PATTERNS, END_DATE, INDEPENDENT, PUBLIC_MAIL_DOMAINS, START_DATE, Affiliation, Community,
    EmailAddress, Org, Person, Project, ReleaseCycle, Repo, Team)
from healthdash.demo.names import FIRST_NAMES, LAST_NAMES
from healthdash.demo.shape import (CYCLE_NAMES, CYCLE_STARTS, ORGS, REPOS, ROLES, TEAM_SIZES, TEAMS,
                                   TIMEZONES)


def generate(seed: int = 2026) -> Community:
    """The demo community for ``seed`` (same seed, same community)."""
    rng = random.Random(f"healthdash-demo:{seed}")
    orgs = {o.name: o for o in ORGS}
    teams = {t.name: Team(t.name, t.description, list(t.projects), list(t.org_phases)) for t in TEAMS}
    repos = {r.name: Repo(**r.__dict__) for r in REPOS}
    projects: dict[str, Project] = {}
    for repo in repos.values():
        projects.setdefault(repo.project, Project(repo.project, repo.team, [])).repos.append(repo.name)
    names = _NameSource(rng)
    people: list[Person] = []
    for team in teams.values():
        people += _team_people(rng, team, TEAM_SIZES[team.name], orgs, names)
    _add_cross_team_members(rng, people)
    _add_employer_changes(rng, people, teams, orgs)
    _add_second_emails(rng, people)
    _add_misconfigured_email(people)
    people += _bots()
    for number, person in enumerate(people):
        person.account_id = 1000 + number
    return Community(seed=seed, start=START_DATE, end=END_DATE, orgs=orgs, teams=teams,
                     projects=projects, repos=repos, people=people, cycles=release_cycles())


def release_cycles() -> list[ReleaseCycle]:
    return [ReleaseCycle(f"{rid} {name}", rid, start, CYCLE_STARTS[i + 1] - timedelta(days=1))
            for i, ((rid, name), start) in enumerate(zip(CYCLE_NAMES, CYCLE_STARTS))]


class _NameSource:
    """Unique realistic names, drawn without repetition."""

    def __init__(self, rng: random.Random):
        pairs = [(f, l) for f in FIRST_NAMES for l in LAST_NAMES]
        rng.shuffle(pairs)
        self._pairs = pairs
        self._used: set[tuple[str, str]] = set()

    def next(self) -> tuple[str, str]:
        while True:
            first, last = self._pairs.pop()
            if (first[0], last) not in self._used:   # keeps usernames ("aokafor") distinct
                self._used.add((first[0], last))
                return first, last


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower().replace(" ", ".") if ch.isalnum() or ch in ".-")


def _work_email(first: str, last: str, org: Org, rng: random.Random) -> str:
    domain = org.domain
    if org.subdomains and rng.random() < 0.3:
        domain = rng.choice(org.subdomains)
    local = f"{_slug(first)}.{_slug(last)}" if rng.random() < 0.7 else f"{_slug(first)[0]}{_slug(last)}"
    return f"{local}@{domain}"


def _personal_email(first: str, last: str, rng: random.Random) -> str:
    local = rng.choice([f"{_slug(first)}{_slug(last)}", f"{_slug(first)}.{_slug(last)}{rng.randint(1, 99)}",
                        f"{_slug(last)}.{_slug(first)}"])
    return f"{local}@{rng.choice(PUBLIC_MAIL_DOMAINS)}"


def _tenure(rng: random.Random, role: str) -> tuple[date, date | None, float]:
    """(joined, left, weight) for a role: cores stay long and do a lot; drive-bys come and go."""
    span = (END_DATE - START_DATE).days
    if role == "anchor":
        return START_DATE - timedelta(days=rng.randint(200, 900)), None, rng.uniform(9, 16)
    if role == "core":
        joined = START_DATE + timedelta(days=rng.randint(-700, span - 400))
        left = joined + timedelta(days=rng.randint(420, 900)) if rng.random() < 0.35 else None
        return joined, _clip_left(left), rng.uniform(5, 9)
    if role == "regular":
        joined = START_DATE + timedelta(days=rng.randint(-400, span - 90))
        left = joined + timedelta(days=int(rng.expovariate(1 / 420)) + 90)
        return joined, _clip_left(left), rng.uniform(1.5, 4)
    if role == "occasional":
        joined = START_DATE + timedelta(days=rng.randint(-200, span - 45))
        left = joined + timedelta(days=int(rng.expovariate(1 / 240)) + 45)
        return joined, _clip_left(left), rng.uniform(0.6, 1.5)
    joined = START_DATE + timedelta(days=rng.randint(0, span - 20))
    return joined, _clip_left(joined + timedelta(days=rng.randint(14, 120))), rng.uniform(0.3, 0.8)


def _clip_left(left: date | None) -> date | None:
    return None if left is None or left > END_DATE else left


def _team_people(rng: random.Random, team: Team, size: int, orgs: dict[str, Org],
                 names: _NameSource) -> list[Person]:
    """People of one team: per organisation an always-active anchor, then a weighted crowd."""
    team_orgs = team.orgs()
    weights = [max(s.get(o, 0) for _, s in team.org_phases) for o in team_orgs]
    members: list[Person] = []
    for org_name in team_orgs:
        members.append(_person(rng, team.name, org_name, "anchor", orgs, names))
    while len(members) < size:
        org_name = rng.choices(team_orgs, weights=weights)[0]
        role = rng.choices([r for r, _ in ROLES], weights=[w for _, w in ROLES])[0]
        members.append(_person(rng, team.name, org_name, role, orgs, names))
    return members


def _person(rng: random.Random, team: str, org_name: str, role: str, orgs: dict[str, Org],
            names: _NameSource) -> Person:
    first, last = names.next()
    joined, left, weight = _tenure(rng, role)
    if org_name == INDEPENDENT:
        emails = [EmailAddress(_personal_email(first, last, rng), "personal")]
        affiliations: list[Affiliation] = []
    else:
        emails = [EmailAddress(_work_email(first, last, orgs[org_name], rng), "work")]
        affiliations = [Affiliation(org_name)]
    return Person(person_id=f"{_slug(first)}-{_slug(last)}", name=f"{first} {last}",
                  username=f"{_slug(first)[0]}{_slug(last)}".replace(".", ""), team=team, role=role,
                  weight=weight, joined=joined, left=left, tz_minutes=rng.choice(TIMEZONES),
                  emails=emails, affiliations=affiliations)


def _add_cross_team_members(rng: random.Random, people: list[Person]) -> None:
    """Some service cores also work on the shared libraries (as real library teams see)."""
    candidates = [p for p in people if p.team != "Shared libraries" and p.role in ("anchor", "core")]
    for person in rng.sample(candidates, k=min(8, len(candidates))):
        person.also_teams = ("Shared libraries",)


#: employer changes per team; the first of each team's list is visible through a new address
_CHANGES_PER_TEAM = {"Compute": 3, "Storage": 1, "Networking": 3, "Shared libraries": 3}


def _add_employer_changes(rng: random.Random, people: list[Person], teams: dict[str, Team],
                          orgs: dict[str, Org]) -> None:
    """Ten people change employer on a date, some with a new address, some only on record.

    Compute also gets an independent who is hired by a company, and the shared
    libraries a company developer who goes on as an independent.
    """
    for team_name, count in _CHANGES_PER_TEAM.items():
        candidates = [p for p in people if p.team == team_name and p.role in ("core", "regular")
                      and _span_days(p) >= 300]
        rng.shuffle(candidates)
        hired = next((p for p in candidates if not p.affiliations), None) if team_name == "Compute" else None
        chosen = [p for p in candidates if p.affiliations][: count - (1 if hired else 0)]
        for index, person in enumerate(chosen + ([hired] if hired else [])):
            when = _change_date(rng, person)
            old_org = person.org_at(when)
            if person is hired:
                new_org = rng.choice([o for o in teams[team_name].orgs() if o != INDEPENDENT])
            elif team_name == "Shared libraries" and index == len(chosen) - 1:
                new_org = INDEPENDENT
            else:
                new_org = rng.choice([o for o in teams[team_name].orgs() if o not in (old_org, INDEPENDENT)])
            _change_employer(rng, person, old_org, new_org, when, visible=index % 2 == 0, orgs=orgs)


def _change_date(rng: random.Random, person: Person) -> date:
    lo = max(person.joined, START_DATE) + timedelta(days=120)
    hi = (person.left or END_DATE) - timedelta(days=120)
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def _change_employer(rng: random.Random, person: Person, old_org: str, new_org: str, when: date,
                     *, visible: bool, orgs: dict[str, Org]) -> None:
    """Record the move; a visible move (or one to/from independence) also changes the address."""
    first, last = person.name.split(" ", 1)
    visible = visible or INDEPENDENT in (old_org, new_org)
    evidence = "email-domain" if visible else "affiliation-file"
    person.affiliations = [a for a in (
        Affiliation(old_org, None, when, evidence) if old_org != INDEPENDENT else None,
        Affiliation(new_org, when, None, evidence) if new_org != INDEPENDENT else None) if a]
    if not visible:
        return
    old = person.emails[0]
    new = (EmailAddress(_work_email(first, last, orgs[new_org], rng), "work", when) if new_org != INDEPENDENT
           else EmailAddress(_personal_email(first, last, rng), "personal", when))
    person.emails = [EmailAddress(old.address, old.kind, None, when), new]


def _span_days(person: Person) -> int:
    return ((person.left or END_DATE) - max(person.joined, START_DATE)).days


def _add_second_emails(rng: random.Random, people: list[Person]) -> None:
    """A dozen people commit from a personal address now and then, besides their work one."""
    candidates = [p for p in people if len(p.affiliations) == 1 and len(p.emails) == 1
                  and not p.affiliations[0].valid_from and p.role != "drive-by" and p.team != "Storage"]
    for person in rng.sample(candidates, k=min(12, len(candidates))):
        first, last = person.name.split(" ", 1)
        work = person.emails[0]
        person.emails = [EmailAddress(_personal_email(first, last, rng), "personal",
                                      use_share=rng.uniform(0.15, 0.35)),
                         EmailAddress(work.address, work.kind, work.valid_from, work.valid_to)]


def _add_misconfigured_email(people: list[Person]) -> None:
    """One Compute regular's laptop was misconfigured for their first weeks (fixed by .mailmap)."""
    person = next(p for p in people if p.team == "Compute" and p.role == "regular"
                  and len(p.emails) == 1 and p.joined >= START_DATE)
    local = person.username
    person.emails.insert(0, EmailAddress(f"{local}@localhost.localdomain", "misconfigured",
                                         person.joined, person.joined + timedelta(days=45)))


def _bots() -> list[Person]:
    common = dict(team="Shared libraries", weight=0.0, joined=START_DATE - timedelta(days=2000), left=None,
                  tz_minutes=0, is_bot=True, role="bot")
    return [
        Person("proposal-bot", "Proposal Bot", "proposal-bot",
               emails=[EmailAddress("proposal-bot@infra.openinfra.example", "work")], **common),
        Person("zuul", "Zuul", "zuul", emails=[EmailAddress("zuul@infra.openinfra.example", "work")], **common),
        Person("ci-bot", "ci-bot[bot]", "ci-bot[bot]",
               emails=[EmailAddress("ci-bot[bot]@users.noreply.example", "work")], **common),
    ]
