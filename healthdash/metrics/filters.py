"""The global filters every metric takes, validated before they reach SQL.

Filters come from URL query strings, so they are untrusted.  Safety comes from
how values are used, not from which characters they hold: names are only ever
bound as SQL parameters (compared for equality with list_contains), never
spliced into SQL, HTML or URLs unescaped, so a real organisation called
``Smith & <Jones> = "A|B"!`` filters like any other name and a name that
exists nowhere simply matches nothing.  What is refused: control characters,
empty names, names over 200 characters, bad dates and kinds outside the known list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Mapping
from urllib.parse import parse_qs, urlencode

from healthdash.errors import FilterError

#: Contribution kinds the contributions view may hold.
KINDS = ("commit", "review", "core_review", "merged_change", "bug_filed", "bug_fixed")

#: Longest name a filter takes (longer ones are refused, and not offered in dropdowns).
MAX_NAME_CHARS = 200
#: Any printable text up to MAX_NAME_CHARS characters (no control characters: they have no place in a name).
_NAME = re.compile(r"^[^\x00-\x1f\x7f-\x9f]{1,%d}$" % MAX_NAME_CHARS)
_LIST_KEYS = ("team", "project", "repo", "org", "kind")


@dataclass(frozen=True)
class Filters:
    team: tuple[str, ...] = ()
    project: tuple[str, ...] = ()
    repo: tuple[str, ...] = ()
    org: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    cycle: str | None = None
    include_bots: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)
    #: Read precomputed rollups where the filters allow (never from a URL: only the equivalence
    #: test turns it off, to compare the rollups with the contributions they summarise).
    rollups: bool = True

    def params(self) -> dict[str, Any]:
        """Named SQL parameters shared by every metric query."""
        return {
            "f_teams": list(self.team) or None,
            "f_projects": list(self.project) or None,
            "f_repos": list(self.repo) or None,
            "f_orgs": list(self.org) or None,
            "f_kinds": list(self.kind) or None,
            "f_start": self.start,
            "f_end": self.end,
            "f_bots": self.include_bots,
            "f_rollups": self.rollups,
        }

    def with_cycle(self, cycles: Mapping[str, tuple[date, date]]) -> "Filters":
        """Resolve ``cycle`` into start/end dates (explicit dates win)."""
        if not self.cycle:
            return self
        if self.cycle not in cycles:
            raise FilterError(f"unknown release cycle {self.cycle!r}")
        start, end = cycles[self.cycle]
        return replace(self, start=self.start or start, end=self.end or end)

    def to_query(self) -> str:
        pairs: list[tuple[str, str]] = []
        for key in _LIST_KEYS:
            pairs += [(key, v) for v in getattr(self, key)]
        if self.start:
            pairs.append(("start", self.start.isoformat()))
        if self.end:
            pairs.append(("end", self.end.isoformat()))
        if self.cycle:
            pairs.append(("cycle", self.cycle))
        if self.include_bots:
            pairs.append(("bots", "1"))
        pairs += sorted(self.extra.items())
        return urlencode(pairs)


def _name(key: str, value: str) -> str:
    value = value.strip()
    if not _NAME.match(value):
        raise FilterError(f"filter {key}={value[:40]!r} is empty, longer than 200 characters "
                          "or holds control characters")
    return value


def _date(key: str, value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise FilterError(f"filter {key}={value[:40]!r} is not a date like 2024-04-03") from None


def parse_filters(query: str | Mapping[str, Any] | None, *, extra_keys: tuple[str, ...] = ()) -> Filters:
    """Filters from a URL query string (``?team=a&start=2024-01-01``) or a mapping.

    Unknown keys are ignored (links stay valid when pages change); bad values
    raise :class:`FilterError` naming the key.
    """
    if query is None:
        return Filters()
    if isinstance(query, str):
        values = parse_qs(query.lstrip("?"), keep_blank_values=False)
    else:
        values = {k: v if isinstance(v, (list, tuple)) else [v] for k, v in query.items() if v not in (None, "")}
    lists = {key: tuple(_name(key, str(v)) for v in values.get(key, []) if str(v).strip()) for key in _LIST_KEYS}
    bad_kinds = [k for k in lists["kind"] if k not in KINDS]
    if bad_kinds:
        raise FilterError(f"filter kind={bad_kinds[0]!r} is not one of {', '.join(KINDS)}")
    start = _date("start", str(values["start"][0])) if values.get("start") else None
    end = _date("end", str(values["end"][0])) if values.get("end") else None
    if start and end and start > end:
        raise FilterError(f"filter start={start} is after end={end}")
    cycle = _name("cycle", str(values["cycle"][0])) if values.get("cycle") else None
    bots = str(values.get("bots", ["0"])[0]).lower() in ("1", "true", "yes")
    extra = {k: _name(k, str(values[k][0])) for k in extra_keys if values.get(k)}
    return Filters(start=start, end=end, cycle=cycle, include_bots=bots, extra=extra, **lists)
