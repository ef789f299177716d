"""Importer for Stackalytics ``etc/default_data.json`` (users and companies).

Stackalytics' rules, kept exactly (``processor/user_processor.py``):

* ``companies[].end_date`` is ``YYYY-Mon-DD`` (``2017-Apr-30``) or null and is
  **exclusive**; entries are sorted by end date, null last, and when the last
  entry has an end date an open-ended ``*independent`` period follows it.
* ``*independent`` (and its aliases "Self", "Unaffiliated", ...) is the
  Independent organisation.
* Every email of one user is the same person; ``launchpad_id`` / ``github_id``
  link the user to those accounts.
* ``companies[]`` gives domains (domain map, no dates) and aliases (names
  people self-report, normalised to ``company_name``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from healthdash.errors import ConfigError
from healthdash.identity.records import (INDEPENDENT, DomainRow, Imported, Link, Period, canonical_org,
                                         chain_untils, email_key, user_key)

FORMAT = "stackalytics"


def parse_end_date(value: Any, where: str) -> date | None:
    if value in (None, "", 0):
        return None
    try:
        return datetime.strptime(str(value).strip(), "%Y-%b-%d").date()
    except ValueError:
        raise ConfigError(f"{where}: end_date {value!r} is not like 2017-Apr-30") from None


def read(path: Path, *, origin: str | None = None) -> Imported:
    path = Path(path)
    origin = origin or path.name
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read Stackalytics file {path}: {err}") from err
    except json.JSONDecodeError as err:
        raise ConfigError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from err
    if not isinstance(data, dict) or not isinstance(data.get("users", []), list) \
            or not isinstance(data.get("companies", []), list):
        raise ConfigError(f"{path}: not a Stackalytics default_data.json (expected 'users' and 'companies' lists)")
    imported = Imported(origin=origin, format=FORMAT)
    for index, company in enumerate(data.get("companies", [])):
        _company(imported, company, f"{path}: companies[{index}]")
    for index, user in enumerate(data.get("users", [])):
        _user(imported, user, f"{path}: users[{index}]")
    return imported


def _company(imported: Imported, company: Any, where: str) -> None:
    if not isinstance(company, dict) or not company.get("company_name"):
        raise ConfigError(f"{where}: a company needs a company_name")
    org = canonical_org(company["company_name"]) or company["company_name"]
    for alias in company.get("aliases") or []:
        if isinstance(alias, str) and alias.strip():
            imported.org_aliases[alias.strip().lower()] = org
    if org == INDEPENDENT:
        return
    imported.org_aliases.setdefault(company["company_name"].strip().lower(), org)
    for domain in company.get("domains") or []:
        if isinstance(domain, str) and domain.strip():
            imported.domains.append(DomainRow(domain.strip().lower(), org))


def _user(imported: Imported, user: Any, where: str) -> None:
    if not isinstance(user, dict) or not isinstance(user.get("emails"), list) or not user["emails"]:
        raise ConfigError(f"{where}: a user needs a non-empty 'emails' list")
    name = user.get("user_name") or user["emails"][0]
    label = f"{imported.origin}: user {name}"
    keys = [email_key(e) for e in user["emails"] if isinstance(e, str) and "@" in e]
    for other in keys[1:]:
        imported.links.append(Link(keys[0], other, f"{label} lists both emails"))
    accounts = [user_key(kind, str(user[field])) for kind, field in
                (("launchpad", "launchpad_id"), ("github", "github_id"), ("gerrit", "gerrit_id"))
                if user.get(field)]
    for account in accounts:
        imported.links.append(Link(keys[0], account, f"{label} has account {account[2:]}"))
    entries = []
    for c_index, company in enumerate(user.get("companies") or []):
        if not isinstance(company, dict) or "company_name" not in company:
            raise ConfigError(f"{where}.companies[{c_index}]: needs company_name and end_date")
        end = parse_end_date(company.get("end_date"), f"{where}.companies[{c_index}]")
        entries.append((company["company_name"], end))
    if not entries:
        return
    chained = chain_untils(entries)
    if chained and chained[-1][2] is not None:
        chained.append(("*independent", chained[-1][2], None))
    for org_name, start, end in chained:
        org = canonical_org(org_name)
        if org is None:
            continue
        detail = f"{label}: {org_name} until {end.isoformat() if end else 'now'}"
        for key in keys + accounts:
            imported.periods.append(Period(key, org, start, end, detail))
