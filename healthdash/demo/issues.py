"""Demo part: GitHub issues of the GitHub-style repository ``openinfra/dashboard``.

Runs after the reviews part, which serves ``/github/`` through
:func:`healthdash.demo.review_api.github_handler` and leaves the mapping that
handler reads in ``ctx.shared["github_issues"]`` (and the repository's pull
requests in ``ctx.shared["github_pulls"]``).  This part fills the mapping with
a few dozen issues (labels, some ``security``; open, closed as ``completed``
or ``not_planned``, a few reopened) and, as GitHub's ``/issues`` listing does,
with every pull request as an issue carrying a ``pull_request`` key, which the
collector must drop.  Together they span more than one 100-item page, so the
collector follows the ``Link`` header.  It then adds the ``github_issues``
source.  Nothing happens after the demo's end; all draws come from
``ctx.rng("github_issues")``.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone
from typing import Any

from healthdash.demo.community import Community, Person
from healthdash.demo.model import END_AT, clamp
from healthdash.demo.reviews import CORE_ROLES, GITHUB_PROJECT_OF, GITHUB_REPO

UTC = timezone.utc
ISSUES = 45
SECURITY_RATE = 0.12
LABELS = ("bug", "enhancement", "documentation", "ui", "performance", "question")
TITLES = {
    "bug": ("Chart legend overlaps the filter bar", "Download CSV drops the last row",
            "Date range filter ignores the end day", "Empty team shows a traceback"),
    "enhancement": ("Add a per-cycle view of review load", "Allow exporting every chart as PNG",
                    "Remember the last selected team"),
    "documentation": ("Document the embed URLs", "Explain how organisations are attributed"),
    "ui": ("Dark mode contrast is too low", "Navigation bar wraps on small screens"),
    "performance": ("Overview page is slow with five years of history",),
    "question": ("How are bots excluded from the counts?",),
    "security": ("Embed endpoint reflects the query string unescaped", "Session cookie lacks the Secure flag",
                 "CSV export allows formula injection"),
}


def _time(moment: datetime) -> str:
    return clamp(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _user(person: Person) -> dict[str, Any]:
    return {"login": person.username, "id": person.account_id, "type": "User"}


def _issue(number: int, created: datetime, reporter: Person, cores: list[Person],
           rng: random.Random) -> dict[str, Any]:
    security = rng.random() < SECURITY_RATE
    labels = ["security", "bug"] if security else rng.sample(LABELS, k=rng.choice((1, 1, 2)))
    title = rng.choice(TITLES["security" if security else labels[0]])
    closed = created + timedelta(days=rng.lognormvariate(math.log(8 if security else 20), 1.0))
    state, reason, assignee = "open", None, None
    if rng.random() < 0.7 and closed <= END_AT:
        state, reason = "closed", rng.choices(("completed", "not_planned"), weights=(80, 20))[0]
        assignee = rng.choice(cores) if reason == "completed" and cores else None
    elif rng.random() < 0.15 and closed <= END_AT:
        reason = "reopened"                 # closed once, reopened: open again, GitHub keeps the reason
    touched = min(created + timedelta(hours=rng.randint(1, 24 * 30)), END_AT)
    updated = closed if state == "closed" else max(touched, closed) if reason == "reopened" else touched
    return {
        "url": f"https://api.github.com/repos/{GITHUB_REPO}/issues/{number}",
        "html_url": f"https://github.com/{GITHUB_REPO}/issues/{number}",
        "number": number, "title": title, "state": state, "state_reason": reason,
        "user": _user(reporter), "assignee": _user(assignee) if assignee else None,
        "labels": [{"id": 100 + LABELS.index(n) if n in LABELS else 99, "name": n} for n in labels],
        "comments": rng.randint(0, 6), "author_association": "MEMBER" if reporter.role in CORE_ROLES else "NONE",
        "created_at": _time(created), "updated_at": _time(updated),
        "closed_at": _time(closed) if state == "closed" else None,
    }


def _pull_as_issue(pull: dict[str, Any]) -> dict[str, Any]:
    """A pull request the way ``/issues`` lists it: issue fields plus ``pull_request``."""
    number = pull["number"]
    return {
        "url": f"https://api.github.com/repos/{GITHUB_REPO}/issues/{number}",
        "html_url": f"https://github.com/{GITHUB_REPO}/pull/{number}",
        "number": number, "title": pull["title"], "state": pull["state"], "state_reason": None,
        "user": pull["user"], "assignee": None, "labels": [], "comments": 0,
        "created_at": pull["created_at"], "updated_at": pull["updated_at"], "closed_at": pull["closed_at"],
        "pull_request": {"url": f"https://api.github.com/repos/{GITHUB_REPO}/pulls/{number}",
                         "html_url": f"https://github.com/{GITHUB_REPO}/pull/{number}",
                         "merged_at": pull["merged_at"]},
    }


def github_issues(community: Community, pulls: list[dict], rng: random.Random) -> list[dict[str, Any]]:
    """The ``/issues`` listing of the GitHub-style repository: issues, then its pull requests."""
    team = community.projects[GITHUB_PROJECT_OF].team
    members = community.team_people(team)
    end = datetime(END_AT.year, END_AT.month, END_AT.day, 12, tzinfo=UTC)
    drafts = sorted(end - timedelta(days=rng.randint(1, 600), hours=rng.randint(0, 23)) for _ in range(ISSUES))
    first = max((p["number"] for p in pulls), default=0) + 1
    issues = []
    for number, created in enumerate(drafts, start=first):
        day = created.date()
        active = [p for p in members if p.active_on(day)] or members
        outsiders = [p for p in community.people if not p.is_bot and p.team != team and p.active_on(day)]
        reporter = rng.choice(active) if rng.random() < 0.6 or not outsiders else rng.choice(outsiders)
        cores = [p for p in active if p.role in CORE_ROLES]
        issues.append(_issue(number, created, reporter, cores, rng))
    return issues + [_pull_as_issue(p) for p in pulls]


def issues_part(ctx) -> None:
    """Build part: fill the reviews part's GitHub issue listing and add the ``github_issues`` source."""
    listing = ctx.shared.get("github_issues")
    if listing is None:                      # the reviews part did not run: no GitHub server to extend
        return
    listing[GITHUB_REPO] = github_issues(ctx.community, ctx.shared.get("github_pulls") or [],
                                         ctx.rng("github_issues"))
    ctx.add_source("github_issues", name="dashboard-issues", url=ctx.server.url + "/github", repos=[GITHUB_REPO],
                   security_labels=["security"])
