"""Demo part: Launchpad-style bugs for the demo projects, security advisories, hygiene checks.

Every demo project gets a bug tracker history over the community's years:
reports from the team's active members, triage within days, fixes by cores
(some released without ever being "Fix Committed"), invalid / won't fix /
expired reports, duplicates, a few bugs filed against two projects, and
security bugs, most public and fixed, the newest ones private or embargoed
with ``EMBARGOED-DEMO`` marker titles.  The bugs are served by
:class:`healthdash.demo.launchpad_api.LaunchpadEmulator` on the demo server
(standing in for an account allowed to see private bugs), so ``healthdash
demo`` runs the real Launchpad collector: paging, every status named, the
second request per bug, and the privacy rule dropping private titles.

Fixed public security bugs get OSSA-style advisories (YAML files under
``<demo_dir>/advisories``, read by the advisories collector), and the git
repositories get hygiene checks (``repo_checks``).  Deterministic: every draw
comes from ``ctx.rng("bugs")``.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import yaml

from healthdash.demo.community import Community, Person
from healthdash.demo.model import clamp
from healthdash.demo.launchpad_api import LaunchpadEmulator

UTC = timezone.utc
FIRST_NUMBER = 2_100_000
PRIVATE_MARKER = "EMBARGOED-DEMO"
WEB_ROOT = "https://bugs.launchpad.example"      # bug pages of the demo tracker (not served)
SECURITY_SHARE = 0.09
PRIVATE_SECURITY_BUGS = 4
PUBLIC_OPEN_SECURITY_BUGS = 3
IMPORTANCE = (("Critical", 3), ("High", 17), ("Medium", 40), ("Low", 25), ("Wishlist", 5), ("Undecided", 10))
PROBLEMS = ("fails when {x} is empty", "times out under load", "leaks file descriptors", "returns 500 on {x}",
            "ignores the configured {x}", "logs a traceback for {x}", "races with {x} on restart",
            "reports the wrong {x}", "does not clean up {x}", "crashes with unicode {x}")
THINGS = ("quota", "timeout", "region", "token", "volume name", "port", "host aggregate", "policy", "marker",
          "availability zone")
SECURITY_PROBLEMS = ("exposes {x} in debug logs", "allows a tenant to read another tenant's {x}",
                     "accepts a forged {x}", "path traversal through {x}", "denial of service via large {x}")
TAGS = ("api", "db", "docs", "gate-failure", "low-hanging-fruit", "upgrade", "performance")


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 19), rng.randint(0, 59)), tzinfo=UTC)


def _iso(moment: datetime | None) -> str | None:
    """Every bug date is written through here, cut at the demo's end."""
    return clamp(moment).isoformat() if moment else None


def _weekday(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    while True:
        day = start + timedelta(days=rng.randint(0, span))
        if day.weekday() < 5 or rng.random() < 0.25:
            return day


def _title(rng: random.Random, component: str, security: bool) -> str:
    problem = rng.choice(SECURITY_PROBLEMS if security else PROBLEMS).format(x=rng.choice(THINGS))
    return f"{component} {problem}"


def _person(community: Community, team: str, day: date, rng: random.Random, cores: bool = False) -> Person | None:
    people = community.cores(team, day) if cores else community.active_members(team, day)
    people = people or community.active_members(team, day) or community.team_people(team)
    return rng.choice(people) if people else None


def _release_after(community: Community, moment: datetime, rng: random.Random) -> datetime:
    """Fixes are released with the next milestone: within 2-6 weeks, or at the cycle's end."""
    cycle = community.cycle_at(moment.date())
    milestone = moment + timedelta(days=rng.randint(14, 42))
    if cycle and rng.random() < 0.4:
        milestone = min(milestone, datetime.combine(cycle.end, time(16), tzinfo=UTC))
    return max(milestone, moment + timedelta(hours=6))


def _lifecycle(community: Community, task: dict[str, Any], team: str, security: bool,
               rng: random.Random) -> None:
    """Fill status and dates of one task (created already set); nothing after the community's end."""
    end = datetime.combine(community.end, time(23, 59), tzinfo=UTC)
    created = datetime.fromisoformat(task["date_created"])
    outcome = rng.random()
    triaged = created + timedelta(hours=rng.expovariate(1 / (40 if not security else 12)))
    if (not security and rng.random() < 0.1) or triaged > end:
        task["status"] = "New"
        return
    task["date_left_new"] = _iso(triaged)
    if outcome < (0.9 if security else 0.55):   # security bugs are fixed unless invalid
        fix = triaged + timedelta(days=rng.lognormvariate(math.log(10 if security else 18), 0.9))
        if fix > end:
            task.update(status="In Progress", date_in_progress=_iso(triaged + timedelta(hours=5)),
                        date_triaged=_iso(triaged))
            return
        assignee = _person(community, team, fix.date(), rng, cores=True)
        task.update(assignee=assignee.username if assignee else None, date_triaged=_iso(triaged),
                    date_in_progress=_iso(triaged + (fix - triaged) / 3))
        released = _release_after(community, fix, rng)
        committed = fix if rng.random() > 0.2 else None      # some go straight to Fix Released
        if released > end:
            task.update(status="Fix Committed", date_fix_committed=_iso(fix))
        else:
            task.update(status="Fix Released", date_fix_committed=_iso(committed),
                        date_fix_released=_iso(released), date_closed=_iso(released))
        return
    closing = ({1.0: "Invalid"} if security else
               {0.67: "Invalid", 0.73: "Won't Fix", 0.80: "Expired", 0.82: "Opinion"})
    for threshold, status in closing.items():
        if outcome < threshold:
            closed = triaged + timedelta(days=60 if status == "Expired" else rng.uniform(0, 3))
            if closed > end:
                task["status"] = "Incomplete" if status == "Expired" else "Confirmed"
            else:
                task.update(status=status, date_closed=_iso(closed))
            return
    task["status"] = rng.choice(("Confirmed", "Triaged", "Triaged", "In Progress"))
    task["date_triaged" if task["status"] != "Confirmed" else "date_confirmed"] = _iso(triaged)


def bug_definitions(community: Community, rng: random.Random, scale: float = 1.0) -> list[dict[str, Any]]:
    """Bugs (bug resource fields + ``tasks``) for every project, numbered in order of creation."""
    drafts = []
    for name in sorted(community.projects):
        project = community.projects[name]
        volume = sum(community.repos[r].commits for r in project.repos)
        components = [c for r in project.repos for c in community.repos[r].components] or [name]
        for _ in range(max(12, int(volume * scale / 12))):
            day = _weekday(rng, community.start, community.end)
            reporter = _person(community, project.team, day, rng)
            security = rng.random() < SECURITY_SHARE
            drafts.append({"created": _at(day, rng), "project": name, "team": project.team, "security": security,
                           "title": _title(rng, rng.choice(components), security),
                           "owner": reporter.username if reporter else "anonymous-operator"})
    drafts.sort(key=lambda d: (d["created"], d["project"]))
    bugs = []
    for index, draft in enumerate(drafts):
        bugs.append(_bug(community, FIRST_NUMBER + index, draft, bugs, rng))
    _make_newest_security_bugs_private(community, bugs, rng)
    return bugs


def _bug(community: Community, number: int, draft: dict[str, Any], earlier: list[dict], rng: random.Random) -> dict:
    task = {"project": draft["project"], "importance": rng.choices(*zip(*IMPORTANCE))[0],
            "date_created": _iso(draft["created"]), "owner": draft["owner"]}
    _lifecycle(community, task, draft["team"], draft["security"], rng)
    tasks = [task]
    siblings = [p for p in community.teams[draft["team"]].projects if p != draft["project"]]
    if siblings and rng.random() < 0.03:
        twin = {**task, "project": rng.choice(siblings), "importance": rng.choice(("Medium", "Low"))}
        tasks.append(twin)
    same_project = [b for b in earlier[-200:] if b["tasks"][0]["project"] == draft["project"]]
    duplicate = rng.choice(same_project)["id"] if same_project and rng.random() < 0.04 else None
    tags = ["security"] if draft["security"] else rng.sample(TAGS, k=rng.choice((0, 1, 1, 2)))
    return {"id": number, "title": draft["title"], "tags": tags, "security_related": draft["security"],
            "information_type": "Public Security" if draft["security"] else "Public", "private": False,
            "date_created": _iso(draft["created"]), "date_last_updated": _last_update(tasks, draft["created"]),
            "duplicate_of": duplicate, "tasks": tasks}


def _last_update(tasks: list[dict], created: datetime) -> str:
    moments = [datetime.fromisoformat(v) for t in tasks for k, v in t.items() if k.startswith("date_") and v]
    return _iso(max(moments + [created]))


def _make_newest_security_bugs_private(community: Community, bugs: list[dict], rng: random.Random) -> None:
    """The newest security reports are still being fixed: the last few under embargo (private,
    marker titles), the ones before them public (disclosed, fix in progress)."""
    security = [b for b in bugs if b["security_related"] and not b["duplicate_of"]]
    private = security[-PRIVATE_SECURITY_BUGS:]
    for bug in security[-PRIVATE_SECURITY_BUGS - PUBLIC_OPEN_SECURITY_BUGS:-PRIVATE_SECURITY_BUGS]:
        _reopen(bug, rng)
    for index, bug in enumerate(private):
        bug["information_type"] = "Embargoed" if index == 0 else "Private Security"
        bug["private"] = True
        bug["title"] = f"{PRIVATE_MARKER} {bug['title']}"
        bug["tags"] = ["security", f"{PRIVATE_MARKER.lower()}-tag"]
        _reopen(bug, rng)


def _reopen(bug: dict, rng: random.Random) -> None:
    """Make a bug's tasks open (triaged or in progress, no fix yet), keeping creation and triage."""
    for task in bug["tasks"]:
        for key in [k for k in task if k.startswith("date_") and k not in ("date_created", "date_left_new")]:
            task.pop(key)
        task.update(status=rng.choice(("Triaged", "In Progress")), importance=rng.choice(("Critical", "High")),
                    assignee=None)
    bug["date_last_updated"] = _last_update(bug["tasks"], datetime.fromisoformat(bug["date_created"]))


def advisories(community: Community, bugs: list[dict], rng: random.Random) -> list[dict[str, Any]]:
    """OSSA-style advisories for most (80 %) of the fixed public security bugs."""
    found = []
    for bug in bugs:
        task = bug["tasks"][0]
        if bug["private"] or not bug["security_related"] or not task.get("date_fix_released") or rng.random() > 0.8:
            continue
        released = datetime.fromisoformat(task["date_fix_released"]).date()
        published = min(released + timedelta(days=rng.randint(1, 10)), community.end)
        found.append((published, bug))
    found.sort(key=lambda item: (item[0], item[1]["id"]))
    result, per_year = [], {}
    for published, bug in found:
        per_year[published.year] = per_year.get(published.year, 0) + 1
        result.append(_advisory(community, published, per_year[published.year], bug, rng))
    return result


def _advisory(community: Community, published: date, seq: int, bug: dict, rng: random.Random) -> dict:
    reporter = next((p for p in community.people if p.username == bug["tasks"][0]["owner"]), None)
    cves = [f"CVE-{published.year}-{rng.randint(20000, 59999)}" for _ in range(rng.choice((1, 1, 1, 2)))]
    credit: dict[str, Any] = {"name": reporter.name if reporter else "An operator", "reported": cves}
    created = datetime.fromisoformat(bug["date_created"]).date()
    org = reporter.org_at(created) if reporter else None
    if org and org != "Independent":
        credit["affiliation"] = org
    else:   # advisories credit independents as such, or do not know
        credit["affiliation"] = rng.choices(("Independent", "UNKNOWN", None), weights=(70, 15, 15))[0]
        if credit["affiliation"] is None:
            credit.pop("affiliation")
    projects = sorted({t["project"] for t in bug["tasks"]})
    return {
        "date": published, "id": f"OSSA-{published.year}-{seq:03d}", "title": bug["title"].capitalize(),
        "description": f"{credit['name']} reported a vulnerability in {', '.join(projects)}.",
        "affected-products": [{"product": p, "version": "<" + f"{published.year - 2000}.1.0"} for p in projects],
        "vulnerabilities": [{"cve-id": c} for c in cves],
        "reporters": [credit],
        "issues": {"links": [f"https://launchpad.net/bugs/{bug['id']}"], "type": "launchpad"},
        "reviews": {"master": [f"https://review.openinfra.example/c/{rng.randint(800000, 899999)}"],
                    "type": "gerrit"},
    }


def bugs_part(ctx) -> None:
    """Build part: serve the Launchpad emulator, write advisories, add the three sources."""
    rng = ctx.rng("bugs")
    bugs = bug_definitions(ctx.community, rng, ctx.scale)
    root = ctx.server.url + "/launchpad/devel"
    ctx.server.add_route("/launchpad/devel", LaunchpadEmulator(bugs, root=root, prefix="/launchpad/devel",
                                                               private_visible=True, web_root=WEB_ROOT))
    ctx.add_source("launchpad", name="bugs", url=root, projects=sorted(ctx.community.projects),
                   security_labels=["security"])
    folder = ctx.path("advisories")
    for advisory in advisories(ctx.community, bugs, rng):
        (folder / f"{advisory['id']}.yaml").write_text(yaml.safe_dump(advisory, sort_keys=False), "utf-8")
    ctx.add_source("advisories", name="ossa", path="advisories")
    if ctx.shared.get("repo_paths"):
        ctx.add_source("repo_checks", name="hygiene", path="git", repos=sorted(ctx.shared["repo_paths"]))
    ctx.config["security"] = {"count_private_in_aggregates": True}
    ctx.shared["bugs"] = bugs
