"""The demo community's data model: plain dataclasses every demo generator reads.

:mod:`healthdash.demo.community` fills these in (``generate(seed)``); the
generators (git histories, reviews, bugs, coverage ...) only read them.  Dates
are anchored to :data:`END_DATE`, the demo's "today", never to the clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

END_DATE = date(2026, 10, 31)
START_DATE = date(2024, 1, 1)
#: The last moment of the demo (UTC): no generated event happens after it.
END_AT = datetime.combine(END_DATE, time(23, 59, 59), tzinfo=timezone.utc)
INDEPENDENT = "Independent"
PUBLIC_MAIL_DOMAINS = ("mail.example", "inbox.example", "post.example")
BOT_PATTERNS = ("proposal-bot@*", "zuul", "zuul@*", "*[[]bot]")


def clamp(moment: datetime) -> datetime:
    """``moment`` or, if later, :data:`END_AT` (in ``moment``'s own time zone).

    ``min`` keeps order (a <= b stays clamp(a) <= clamp(b)), so a story drawn
    past the end is cut at the end without reordering its events.
    """
    return moment if moment <= END_AT else END_AT.astimezone(moment.tzinfo)


@dataclass(frozen=True)
class Org:
    name: str
    domain: str
    subdomains: tuple[str, ...] = ()     # e.g. "us.redwave.example", matched by longest suffix


@dataclass(frozen=True)
class ReleaseCycle:
    name: str            # "2025.1 Cedar"
    release_id: str      # "2025.1"
    start: date
    end: date            # inclusive: the day before the next cycle starts


@dataclass
class Repo:
    name: str
    project: str
    team: str
    package: str                 # top-level Python package, e.g. "nimbus"
    kind: str                    # service | client | library
    commits: int                 # commit volume at scale 1.0
    created: date = START_DATE
    common_library: bool = False
    signoff_required: bool = False
    components: tuple[str, ...] = ()   # sub-packages, e.g. ("compute", "api")
    #: how dependencies are pinned: "tox" (tox.ini ``-c{env:TOX_CONSTRAINTS_FILE:...}``),
    #: a constraints file's path, or None (unpinned: the hygiene check fails)
    constraints: str | None = "tox"
    #: the security policy / contact document's path, or None (the hygiene check fails)
    security_doc: str | None = "SECURITY.md"


@dataclass
class Project:
    name: str
    team: str
    repos: list[str]


@dataclass
class Team:
    name: str
    description: str
    projects: list[str]
    #: [(from_date, {org: share})] -- the organisations doing the work, by phase.
    org_phases: list[tuple[date, dict[str, float]]]

    def shares_at(self, day: date) -> dict[str, float]:
        current = self.org_phases[0][1]
        for start, shares in self.org_phases:
            if day >= start:
                current = shares
        return current

    def orgs(self) -> list[str]:
        names: list[str] = []
        for _, shares in self.org_phases:
            names += [o for o in shares if o not in names]
        return names


@dataclass(frozen=True)
class EmailAddress:
    address: str
    kind: str                        # work | personal | misconfigured
    valid_from: date | None = None
    valid_to: date | None = None     # exclusive
    use_share: float = 1.0           # when several are valid, how often this one is used

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class Affiliation:
    org: str
    valid_from: date | None = None
    valid_to: date | None = None     # exclusive, like Stackalytics end_date
    #: how the change is visible: "email-domain" (a new address) or
    #: "affiliation-file" (only an affiliation record knows it)
    evidence: str = "email-domain"

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_to is None or day < self.valid_to)


@dataclass
class Person:
    person_id: str
    name: str
    username: str
    team: str
    role: str                        # anchor | core | regular | occasional | drive-by | bot
    weight: float
    joined: date
    left: date | None                # exclusive; None = still active
    tz_minutes: int
    emails: list[EmailAddress] = field(default_factory=list)
    affiliations: list[Affiliation] = field(default_factory=list)
    also_teams: tuple[str, ...] = ()
    is_bot: bool = False
    account_id: int = 0              # stable numeric id for review/bug trackers (Gerrit, Launchpad)

    def active_on(self, day: date) -> bool:
        return self.joined <= day and (self.left is None or day < self.left)

    def org_at(self, day: date) -> str:
        """The true organisation on ``day`` (independent when unaffiliated)."""
        for period in self.affiliations:
            if period.valid_on(day):
                return period.org
        return INDEPENDENT

    def email_at(self, day: date, rng: random.Random) -> str:
        valid = [e for e in self.emails if e.valid_on(day)] or self.emails[-1:]
        misconfigured = [e for e in valid if e.kind == "misconfigured"]
        if misconfigured:
            return misconfigured[0].address
        if len(valid) == 1:
            return valid[0].address
        return rng.choices([e.address for e in valid], weights=[e.use_share for e in valid])[0]

    @property
    def primary_email(self) -> str:
        return self.emails[-1].address

    def changes_employer(self) -> bool:
        """True when the person's organisation changes on some date during the history."""
        return any(a.valid_to or a.valid_from for a in self.affiliations)


@dataclass
class Community:
    seed: int
    start: date
    end: date
    orgs: dict[str, Org]
    teams: dict[str, Team]
    projects: dict[str, Project]
    repos: dict[str, Repo]
    people: list[Person]
    cycles: list[ReleaseCycle]
    public_mail_domains: tuple[str, ...] = PUBLIC_MAIL_DOMAINS
    bot_patterns: tuple[str, ...] = BOT_PATTERNS

    def person(self, person_id: str) -> Person:
        return self._by_id()[person_id]

    def _by_id(self) -> dict[str, Person]:
        return {p.person_id: p for p in self.people}

    def team_people(self, team: str) -> list[Person]:
        return [p for p in self.people if not p.is_bot and (p.team == team or team in p.also_teams)]

    def active_members(self, team: str, day: date) -> list[Person]:
        """People working on ``team`` on ``day`` (e.g. to pick reviewers or bug reporters)."""
        return [p for p in self.team_people(team) if p.active_on(day)]

    def cores(self, team: str, day: date) -> list[Person]:
        """The team's core reviewers on ``day`` (anchors and cores of the team itself)."""
        return [p for p in self.active_members(team, day) if p.team == team and p.role in ("anchor", "core")]

    def person_by_email(self, email: str) -> Person | None:
        wanted = email.strip().lower()
        return next((p for p in self.people if any(e.address.lower() == wanted for e in p.emails)), None)

    @property
    def bots(self) -> list[Person]:
        return [p for p in self.people if p.is_bot]

    def domain_map(self) -> dict[str, str]:
        """Email domain -> organisation, as the config's ``[domains]`` table lists it."""
        mapping = {}
        for org in self.orgs.values():
            mapping[org.domain] = org.name
        return mapping

    def domain_org(self, email: str) -> str:
        """Organisation of an address by longest-suffix domain match (no affiliation records)."""
        domain = email.rsplit("@", 1)[-1].lower()
        best = ""
        for known in self.domain_map():
            if (domain == known or domain.endswith("." + known)) and len(known) > len(best):
                best = known
        return self.domain_map()[best] if best else INDEPENDENT

    def cycle_at(self, day: date) -> ReleaseCycle | None:
        return next((c for c in self.cycles if c.start <= day <= c.end), None)
