"""A small INI reader that remembers line numbers.

Used by the parsers of support matrices (:mod:`collectors.feature_matrix`) and
of ``setup.cfg`` / ``tox.ini`` (:mod:`collectors.manifests`,
:mod:`collectors.conventions`).  ``configparser`` cannot say on which line a
value was written, and every bad value must be reported as one line naming the
file and the line.  Syntax follows ``configparser``'s defaults: ``[section]``
headers, ``key = value`` or ``key: value``, indented continuation lines, full
line comments starting with ``#`` or ``;``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from collectors.base import CollectorError

_SECTION = re.compile(r"^\[([^\]]+)\]\s*(?:[#;].*)?$")
_OPTION = re.compile(r"^([^=:\s][^=:]*?)\s*[=:]\s?(.*)$")


class ParseError(CollectorError):
    """A file could not be read; the message is one line naming the file and line."""


@dataclass
class Value:
    text: str
    line: int
    parts: list[tuple[int, str]] = field(default_factory=list)   # (line, text) of each physical line

    def add(self, line: int, text: str) -> None:
        self.parts.append((line, text))
        self.text = f"{self.text}\n{text}"       # as configparser joins continuation lines


@dataclass
class Section:
    name: str
    line: int
    options: dict[str, Value] = field(default_factory=dict)


def parse_ini(text: str, label: str) -> list[Section]:
    """The sections of ``text`` in file order; duplicate keys keep the last value."""
    sections: list[Section] = []
    current: Section | None = None
    last: Value | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if raw[0] in " \t" and last is not None:
            last.add(number, stripped)
            continue
        header = _SECTION.match(stripped)
        if header:
            current = Section(header.group(1).strip(), number)
            sections.append(current)
            last = None
            continue
        option = _OPTION.match(stripped)
        if option is None:
            raise ParseError(f"{label} line {number}: expected [section] or key = value, got {_clip(stripped)}")
        if current is None:
            raise ParseError(f"{label} line {number}: key {option.group(1).strip()!r} before any [section]")
        first = option.group(2).strip()
        last = Value(first, number, [(number, first)] if first else [])
        current.options[option.group(1).strip().lower()] = last
    return sections


def _clip(text: str, width: int = 60) -> str:
    return repr(text if len(text) <= width else text[:width] + "…")
