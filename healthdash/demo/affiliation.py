"""Demo part: the affiliation files a real community keeps, written from the demo's truth.

Employer changes that no email address shows ("affiliation-file" evidence)
are only right if these files are read: half are in a Stackalytics
``default_data.json`` (``YYYY-Mon-DD`` exclusive end dates, company aliases,
``*independent``), half in gitdm ``developers_affiliations1.txt``
(``from``/``until``).  People who also write from a personal address are
joined to their work address by Stackalytics users' email lists or by a gitdm
``aliases`` file, and their employer is on record (so their personal-address
work counts for it).  Visible movers are on record too: Gerrit keeps an
account's current address, so only the record dates their older reviews.
Every human is a Stackalytics user with launchpad and GitHub ids, which joins
their review and bug accounts to their commits.  One person's Stackalytics record is stale (the move a
month late), so the Data page shows a conflict that gitdm, listed first,
wins.  A sponsor CSV and an overrides file complete the set; the config's
``[affiliations]`` section lists them in precedence order.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from healthdash.demo.model import INDEPENDENT, Person

FOLDER = "affiliations"


def _stackalytics_date(day: date | None) -> str | None:
    return day.strftime("%Y-%b-%d") if day else None


def _timeline(person: Person) -> list[tuple[str, date | None, date | None]]:
    """(org, from, to-exclusive) including the independent stretch before a first employer."""
    periods = sorted(person.affiliations, key=lambda a: a.valid_from or date.min)
    timeline = []
    if periods and periods[0].valid_from:
        timeline.append((INDEPENDENT, None, periods[0].valid_from))
    timeline += [(a.org, a.valid_from, a.valid_to) for a in periods]
    return timeline


def _stackalytics_user(person: Person, *, shift_days: int = 0, alias: dict[str, str] | None = None,
                       companies: bool = True, work_only: bool = False) -> dict:
    """One ``users[]`` record: emails, launchpad and GitHub ids, and (when known) the employers."""
    entries = []
    for org, _start, end in _timeline(person) if companies else []:
        name = "*independent" if org == INDEPENDENT else (alias or {}).get(org, org)
        end = end + timedelta(days=shift_days) if end else None
        entries.append({"company_name": name, "end_date": _stackalytics_date(end)})
    emails = [e.address for e in person.emails if e.kind != "misconfigured" and not (work_only and e.kind != "work")]
    record = {"user_name": person.name, "launchpad_id": person.username.lower(), "github_id": person.username,
              "emails": emails or [person.primary_email]}
    if entries:
        record["companies"] = entries
    return record


def _gitdm_block(person: Person) -> str:
    emails = ", ".join(e.address.replace("@", "!") for e in person.emails if e.kind != "misconfigured")
    lines = [f"{person.username}: {emails}"]
    for org, start, end in _timeline(person):
        words = [org] + ([f"from {start.isoformat()}"] if start else []) + ([f"until {end.isoformat()}"] if end else [])
        lines.append("\t" + " ".join(words))
    return "\n".join(lines)


def affiliation_part(ctx) -> None:
    community = ctx.community
    folder = ctx.path(FOLDER)
    humans = [p for p in community.people if not p.is_bot]
    movers = [p for p in humans if any(a.valid_from or a.valid_to for a in p.affiliations)]
    hidden = [p for p in movers if p.affiliations and p.affiliations[0].evidence == "affiliation-file"]
    two_addresses = [p for p in humans if p not in movers and
                     len([e for e in p.emails if e.kind != "misconfigured"]) > 1]
    gitdm_people, stack_people = hidden[::2], hidden[1::2]
    stale = gitdm_people[0] if gitdm_people else None
    aliased = two_addresses[::2]  # the others are merged through Stackalytics emails

    visible = [p for p in movers if p not in hidden]
    _write_stackalytics(folder, community, humans, with_companies=stack_people + visible + two_addresses,
                        stale=stale, work_only=aliased)
    (folder / "developers_affiliations1.txt").write_text(
        "# Developers affiliations (gitdm): ! stands for @; company lines are tab-indented\n"
        + "\n".join(_gitdm_block(p) for p in gitdm_people) + "\n", "utf-8")
    (folder / "aliases").write_text("# alias canonical (gitdm)\n" + "".join(
        f"{_personal(p).replace('@', '!')} {_work(p).replace('@', '!')}\n" for p in aliased), "utf-8")
    (folder / "domain-map").write_text("# domain company (gitdm)\n" + "".join(
        f"{org.domain} {org.name}\n" for org in community.orgs.values()), "utf-8")
    _write_sponsors(folder, humans)
    confirmed = hidden[-1] if hidden else None
    (folder / "overrides.txt").write_text(
        "# healthdash overrides: one correction per line (see `healthdash people fix`)\n"
        + (f"# confirmed with {confirmed.name} by mail\n" + "\n".join(
            f'affiliation {confirmed.primary_email} "{org}"'
            + (f" from {start.isoformat()}" if start else "") + (f" until {end.isoformat()}" if end else "")
            for org, start, end in _timeline(confirmed)) + "\n" if confirmed else ""), "utf-8")
    ctx.config["affiliations"] = {
        "files": [f"{FOLDER}/sponsors.csv", f"{FOLDER}/developers_affiliations1.txt", f"{FOLDER}/aliases",
                  f"{FOLDER}/domain-map", f"{FOLDER}/default_data.json"],
        "overrides": f"{FOLDER}/overrides.txt",
    }
    ctx.shared["affiliation_people"] = {"gitdm": [p.person_id for p in gitdm_people],
                                        "stackalytics": [p.person_id for p in stack_people],
                                        "stale": stale.person_id if stale else None}


def _personal(person: Person) -> str:
    return next(e.address for e in person.emails if e.kind == "personal")


def _work(person: Person) -> str:
    return next(e.address for e in person.emails if e.kind == "work")


def _write_stackalytics(folder, community, humans: list[Person], *, with_companies: list[Person],
                        stale: Person | None, work_only: list[Person]) -> None:
    """Every human is a user (emails, launchpad and GitHub ids); employers only for ``with_companies``."""
    aliases = {org: f"{org} Inc." for org in list(community.orgs)[:2]}
    companies = [{"company_name": "*independent", "domains": [""],
                  "aliases": ["Unaffiliated", "Self Employed", "n/a"]}]
    for org in community.orgs.values():
        companies.append({"company_name": org.name, "domains": [org.domain, *org.subdomains],
                          "aliases": [aliases[org.name]] if org.name in aliases else []})
    records = []
    for index, person in enumerate(humans):
        if person is stale:      # an out-of-date record: the move a month late
            records.append(_stackalytics_user(person, shift_days=31))
        else:
            records.append(_stackalytics_user(person, alias=aliases if index % 2 else None,
                                              companies=person in with_companies,
                                              work_only=person in work_only))
    data = {"users": records, "companies": companies, "repos": [], "releases": [], "project_types": []}
    (folder / "default_data.json").write_text(json.dumps(data, indent=2) + "\n", "utf-8")


def _write_sponsors(folder, humans: list[Person]) -> None:
    sponsored = [p for p in humans if len(p.affiliations) == 1 and p.affiliations[0].valid_from
                 and p.affiliations[0].evidence == "email-domain"][:3]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["email", "org", "start", "end"])
    for person in sponsored:
        period = person.affiliations[0]
        writer.writerow([_work(person) if any(e.kind == "work" for e in person.emails) else person.primary_email,
                         period.org, period.valid_from.isoformat(),
                         period.valid_to.isoformat() if period.valid_to else ""])
    (folder / "sponsors.csv").write_text(out.getvalue(), "utf-8")
