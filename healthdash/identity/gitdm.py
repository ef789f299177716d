"""Importers for gitdm configuration files (cncf/gitdm, OpenStack's gitdm).

In every file ``!`` stands for ``@``.  Four files are read:

* ``developers_affiliations*.txt`` -- ``login: email1, email2`` then
  tab-indented ``Company [from YYYY-MM-DD] [until YYYY-MM-DD]`` lines; a line
  without ``from`` starts where the previous one ended; the login is the
  person's GitHub login.
* ``email-map`` -- ``email Company [< YYYY-MM-DD]``: ``< date`` is an
  exclusive end, a line without a date is the current employer.
* ``domain-map`` -- ``domain Company [< YYYY-MM-DD]``, same dating.
* ``aliases`` -- ``secondary canonical``: both addresses are one person.

``NotFound`` (and other "unknown" names) carry no information and are skipped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path

from healthdash.errors import ConfigError
from healthdash.identity.records import (EPOCH, DomainRow, Imported, Link, Period, canonical_org,
                                         chain_untils, email_key, user_key)

_DATED = re.compile(r"^(?P<org>.+?)\s*<\s*(?P<until>\d{4}-\d{2}-\d{2})\s*$")
_COMPANY = re.compile(r"^(?P<org>.+?)(?:\s+from\s+(?P<from>\d{4}-\d{2}-\d{2}))?"
                      r"(?:\s+until\s+(?P<until>\d{4}-\d{2}-\d{2}))?\s*$")


def detect(path: Path) -> str | None:
    name = path.name.lower()
    if name.startswith("developers_affiliations"):
        return "gitdm-developers"
    if name in ("email-map", "emailmap") or name.startswith("email-map"):
        return "gitdm-email-map"
    if name in ("domain-map", "domainmap") or name.startswith("domain-map"):
        return "gitdm-domain-map"
    if name == "aliases" or name.startswith("aliases"):
        return "gitdm-aliases"
    return None


def _lines(path: Path):
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read gitdm file {path}: {err}") from err
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].rstrip()
        if line.strip():
            yield number, raw, line


def _email(text: str, where: str) -> str:
    email = text.strip().replace("!", "@").lower()
    if "@" not in email or " " in email:
        raise ConfigError(f"{where}: {text.strip()!r} is not an email (gitdm writes ! for @)")
    return email


def _date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{where}: {text!r} is not a date like 2019-05-01") from None


def _dated_map(path: Path, origin: str):
    """``key Company [< date]`` lines grouped by key -> [(org, until, line)]."""
    grouped: dict[str, list[tuple[str, date | None, int]]] = defaultdict(list)
    for number, _raw, line in _lines(path):
        where = f"{path}:{number}"
        parts = line.strip().split(None, 1)
        if len(parts) != 2:
            raise ConfigError(f"{where}: expected '<address-or-domain> <Company> [< YYYY-MM-DD]'")
        key, rest = parts
        match = _DATED.match(rest)
        org, until = (match["org"], _date(match["until"], where)) if match else (rest.strip(), None)
        grouped[key].append((org, until, number))
    return grouped


def _periods(entries, detail_prefix: str):
    lines = {(org, until): number for org, until, number in entries}
    for org_name, start, end in chain_untils([(org, until) for org, until, _ in entries]):
        org = canonical_org(org_name)
        if org is not None:
            yield org, start, end, f"{detail_prefix}:{lines[(org_name, end)]}"


def read_email_map(path: Path, origin: str) -> Imported:
    imported = Imported(origin=origin, format="gitdm-email-map")
    for key, entries in _dated_map(path, origin).items():
        email = _email(key, f"{path}:{entries[0][2]}")
        for org, start, end, detail in _periods(entries, origin):
            imported.periods.append(Period(email_key(email), org, start, end, f"{detail} ({email})"))
    return imported


def read_domain_map(path: Path, origin: str) -> Imported:
    imported = Imported(origin=origin, format="gitdm-domain-map")
    for key, entries in _dated_map(path, origin).items():
        domain = key.strip().lower().lstrip("@").replace("!", "")
        for org, start, end, _detail in _periods(entries, origin):
            imported.domains.append(DomainRow(domain, org, start, end))
    return imported


def read_aliases(path: Path, origin: str) -> Imported:
    imported = Imported(origin=origin, format="gitdm-aliases")
    for number, _raw, line in _lines(path):
        where = f"{path}:{number}"
        parts = line.split()
        if len(parts) != 2:
            raise ConfigError(f"{where}: expected '<alias> <canonical address>'")
        alias, canonical = _email(parts[0], where), _email(parts[1], where)
        imported.links.append(Link(email_key(canonical), email_key(alias),
                                   f"{origin}:{number} alias {alias} -> {canonical}"))
    return imported


def read_developers(path: Path, origin: str) -> Imported:
    imported = Imported(origin=origin, format="gitdm-developers")
    person = None
    for number, raw, line in _lines(path):
        where = f"{path}:{number}"
        if not raw[:1].isspace():
            if person:
                _developer_periods(imported, person, origin)
            person = _developer_header(imported, line, where, origin, number)
        elif person is None:
            raise ConfigError(f"{where}: a company line before any 'login: emails' line")
        else:
            person["lines"].append((line.strip(), number, where))
    if person:
        _developer_periods(imported, person, origin)
    return imported


def _developer_header(imported: Imported, line: str, where: str, origin: str, number: int) -> dict:
    login, sep, emails_text = line.partition(":")
    if not sep:
        raise ConfigError(f"{where}: expected 'login: email1, email2'")
    emails = [_email(e, where) for e in emails_text.split(",") if e.strip()]
    if not emails:
        raise ConfigError(f"{where}: no email addresses after '{login.strip()}:'")
    keys = [email_key(e) for e in emails]
    label = f"{origin}:{number} {login.strip()}"
    for other in keys[1:]:
        imported.links.append(Link(keys[0], other, f"{label} lists both emails"))
    if login.strip():
        account = user_key("github", login.strip())
        keys.append(account)
        imported.links.append(Link(keys[0], account, f"{label} is GitHub login {login.strip()}"))
    return {"keys": keys, "lines": []}


def _developer_periods(imported: Imported, person: dict, origin: str) -> None:
    """``Company [from D] [until D]`` lines; a line without ``from`` starts where the previous ended."""
    start = EPOCH
    for text, number, where in person["lines"]:
        match = _COMPANY.match(text)
        begin = _date(match["from"], where) if match["from"] else start
        end = _date(match["until"], where) if match["until"] else None
        if end is not None and end <= begin:
            raise ConfigError(f"{where}: 'until {end}' is not after the period's start {begin}")
        start = end or begin
        org = canonical_org(match["org"])
        if org is None:
            continue
        for key in person["keys"]:
            imported.periods.append(Period(key, org, begin, end, f"{origin}:{number} {text}"))


READERS = {
    "gitdm-developers": read_developers,
    "gitdm-email-map": read_email_map,
    "gitdm-domain-map": read_domain_map,
    "gitdm-aliases": read_aliases,
}
