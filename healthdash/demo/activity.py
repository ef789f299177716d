"""When people work and who does each piece of work, for every demo generator.

Sits between :mod:`healthdash.demo.community` (who exists) and the generators
that write sources (git histories now; reviews, bugs and coverage later).  It
gives them one shared rhythm -- weekday-heavy, busiest in the weeks before each
release cycle's feature freeze, quiet after a release and over the year-end
holidays -- and one way to pick the person doing a piece of work in a team at
a date: first the organisation (so each team's mix of organisations follows its
configured shares exactly), then a person of that organisation active that day,
weighted so a few cores do most of the work and a long tail does a little.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from healthdash.demo.community import Community, Person, ReleaseCycle

_WEEKDAY = (1.0, 1.05, 1.05, 1.0, 0.8, 0.14, 0.10)


def day_weight(day: date, cycles: list[ReleaseCycle]) -> float:
    """Relative amount of work done on ``day``."""
    weight = _WEEKDAY[day.weekday()]
    if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 3):
        weight *= 0.25
    elif day.month == 8:
        weight *= 0.75
    for cycle in cycles:
        if cycle.start <= day <= cycle.end:
            release = cycle.end + timedelta(days=1)
            to_release = (release - day).days
            since_start = (day - cycle.start).days
            if since_start < 21:
                weight *= 0.6                      # post-release lull, PTG
            elif 35 < to_release <= 80:
                weight *= 1.0 + (80 - to_release) / 45   # rush before feature freeze
            elif to_release <= 35:
                weight *= 0.7                      # freeze: bug fixes only
            break
    return weight


@dataclass
class DaySampler:
    """Draws days between ``start`` and ``end`` (inclusive) following :func:`day_weight`."""

    days: list[date]
    cumulative: list[float]

    @classmethod
    def between(cls, start: date, end: date, cycles: list[ReleaseCycle]) -> "DaySampler":
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        return cls(days, list(itertools.accumulate(day_weight(d, cycles) for d in days)))

    def draw(self, rng: random.Random, count: int) -> list[date]:
        total = self.cumulative[-1]
        picks = [self.days[bisect.bisect_left(self.cumulative, rng.random() * total)] for _ in range(count)]
        return sorted(picks)


def local_time(rng: random.Random, day: date, person: Person) -> datetime:
    """A working-hours moment on ``day`` in the person's own time zone (aware datetime)."""
    hour = min(23, max(0, int(rng.gauss(14, 3))))
    tz = timezone(timedelta(minutes=person.tz_minutes))
    return datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), rng.randint(0, 59), tzinfo=tz)


class Assigner:
    """Picks who does each piece of a team's work, organisation first.

    ``plan(team, days)`` returns one person per day: the organisations are
    allotted per phase by largest remainder of the team's shares and shuffled,
    so the team's share per organisation is exact and its order random.
    """

    def __init__(self, community: Community, rng: random.Random):
        self.community = community
        self.rng = rng

    def plan(self, team_name: str, days: list[date]) -> list[Person]:
        team = self.community.teams[team_name]
        phases = [start for start, _ in team.org_phases][1:]
        chunks: list[list[date]] = [[] for _ in team.org_phases]
        for day in days:
            chunks[bisect.bisect_right(phases, day)].append(day)
        people: list[Person] = []
        members = self.community.team_people(team_name)
        for chunk in chunks:
            if not chunk:
                continue
            orgs = allot(team.shares_at(chunk[0]), len(chunk))
            self.rng.shuffle(orgs)
            people += [self.pick(members, team_name, org, day) for org, day in zip(orgs, chunk)]
        return people

    def pick(self, members: list[Person], team_name: str, org: str, day: date) -> Person:
        """A member of ``org`` active on ``day``, weighted by how much each one does."""
        eligible = [p for p in members if p.org_at(day) == org and p.active_on(day)]
        if not eligible:
            eligible = [p for p in members if p.org_at(day) == org] or [p for p in members if p.active_on(day)]
        weights = [p.weight * (1.0 if p.team == team_name else 0.4) for p in eligible]
        return self.rng.choices(eligible, weights=weights)[0]


def allot(shares: dict[str, float], count: int) -> list[str]:
    """``count`` labels split by ``shares`` with the largest-remainder method (exact totals)."""
    total = sum(shares.values())
    exact = {k: v / total * count for k, v in shares.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for key in sorted(exact, key=lambda k: (counts[k] - exact[k], k))[: count - sum(counts.values())]:
        counts[key] += 1
    return [k for k in shares for _ in range(counts[k])]
