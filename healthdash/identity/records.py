"""What affiliation importers produce: plain records, before any warehouse work.

Every importer (Stackalytics, gitdm, CSV, overrides) turns one file into an
:class:`Imported` holding person periods keyed by what the file names (an
email or a username), domain-map rows, merge links between identity keys and
organisation aliases.  ``healthdash.warehouse.identity_load`` stores these and
the identity layer merges them into people.  Keys are written the way the
merge graph names nodes: ``e:<email>``, ``u:<source>:<username>``,
``i:<identity_id>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

EPOCH = date(1970, 1, 1)
INDEPENDENT = "Independent"

#: Organisation names that mean "no employer" in the formats we read.
INDEPENDENT_NAMES = {"*independent", "independent", "self", "self employed", "self-employed",
                     "unaffiliated", "individual", "none", "n/a"}
#: Names that mean "we do not know": the period is ignored, lower rules decide.
UNKNOWN_NAMES = {"notfound", "(unknown)", "unknown", "?"}


@dataclass(frozen=True)
class Period:
    key: str                 # node key: e:<email> or u:<source>:<username>
    org: str
    valid_from: date = EPOCH
    valid_to: date | None = None   # exclusive
    detail: str = ""


@dataclass(frozen=True)
class DomainRow:
    domain: str
    org: str
    valid_from: date = EPOCH
    valid_to: date | None = None


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    detail: str = ""
    name: str | None = None  # .mailmap entries naming a commit name


@dataclass
class Imported:
    origin: str
    format: str
    periods: list[Period] = field(default_factory=list)
    domains: list[DomainRow] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    org_aliases: dict[str, str] = field(default_factory=dict)   # lower alias -> org
    splits: list[tuple[str, str]] = field(default_factory=list)  # (key, detail)
    bot_marks: dict[str, bool] = field(default_factory=dict)


def email_key(email: str) -> str:
    return "e:" + email.strip().lower()


def user_key(source: str, username: str) -> str:
    return f"u:{source}:{username.strip().lower()}"


def canonical_org(name: str) -> str | None:
    """Normalise the special names: independent -> ``Independent``; unknown -> None."""
    cleaned = " ".join(name.split())
    lowered = cleaned.lower()
    if lowered in UNKNOWN_NAMES:
        return None
    if lowered in INDEPENDENT_NAMES:
        return INDEPENDENT
    return cleaned


def chain_untils(entries: list[tuple[str, date | None]]) -> list[tuple[str, date, date | None]]:
    """Turn "org until date" lists into consecutive [from, to) periods.

    Entries are sorted by their exclusive end (open end last); each period
    starts where the previous one ended, the first at the epoch.  This is how
    Stackalytics reads ``companies[].end_date`` and gitdm reads ``< date``.
    """
    ordered = sorted(entries, key=lambda e: (e[1] is None, e[1] or EPOCH))
    periods, start = [], EPOCH
    for org, until in ordered:
        if until is not None and until <= start:
            continue
        periods.append((org, start, until))
        if until is None:
            break
        start = until
    return periods
