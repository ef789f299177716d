"""The overrides file: hand corrections that beat every imported source.

One correction per line, so the dashboard can show "the exact line to add"
and ``healthdash people fix`` can append one::

    # healthdash overrides
    merge ada@vendor-a.example ada.owner@mail.example     # one person
    split shared@corp.example                              # stand apart
    affiliation ada@vendor-a.example "Vendor A" from 2022-01-01 until 2023-06-01
    bot ci-runner@corp.example
    notbot robotics-fan@mail.example

Identities are named by email, ``source:username`` (``gerrit:ada``) or raw
identity id.  ``until`` is exclusive.  Overrides rank 0: above every file.
"""

from __future__ import annotations

import re
import shlex
from datetime import date
from pathlib import Path

from healthdash.errors import ConfigError
from healthdash.identity.records import EPOCH, Imported, Link, Period, canonical_org

FORMAT = "overrides"
_ID = re.compile(r"^[0-9a-f]{20}$")


def node_key(text: str, where: str) -> str:
    """``ada@x`` -> ``e:ada@x``; ``gerrit:ada`` -> ``u:gerrit:ada``; identity id -> ``i:<id>``."""
    text = text.strip()
    if "@" in text:
        return "e:" + text.lower()
    if ":" in text:
        source, _, user = text.partition(":")
        if source and user:
            return f"u:{source.lower()}:{user.lower()}"
    if _ID.match(text):
        return "i:" + text
    raise ConfigError(f"{where}: {text!r} is not an email, source:username or identity id")


def parse(text: str, origin: str, *, path: Path | str | None = None) -> Imported:
    imported = Imported(origin=origin, format=FORMAT)
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{path or origin}:{number}"
        try:
            words = shlex.split(line, comments=True)
        except ValueError as err:
            raise ConfigError(f"{where}: {err}") from None
        if words:
            _apply(imported, words, where, f"{origin}:{number}")
    return imported


def read(path: Path, *, origin: str | None = None) -> Imported:
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read overrides file {path}: {err}") from err
    return parse(text, origin or path.name, path=path)


def _apply(imported: Imported, words: list[str], where: str, label: str) -> None:
    verb, args = words[0].lower(), words[1:]
    if verb == "merge":
        if len(args) < 2:
            raise ConfigError(f"{where}: 'merge' needs two or more identities")
        keys = [node_key(a, where) for a in args]
        imported.links += [Link(keys[0], k, f"{label} merge {' '.join(args)}") for k in keys[1:]]
    elif verb == "split":
        if not args:
            raise ConfigError(f"{where}: 'split' needs an identity")
        imported.splits += [(node_key(a, where), f"{label} split {a}") for a in args]
    elif verb in ("bot", "notbot"):
        if not args:
            raise ConfigError(f"{where}: '{verb}' needs an identity")
        for arg in args:
            imported.bot_marks[node_key(arg, where)] = verb == "bot"
    elif verb == "affiliation":
        imported.periods.append(_affiliation(args, where, label))
    else:
        raise ConfigError(f"{where}: unknown correction {verb!r} (use merge, split, affiliation, bot, notbot)")


def _affiliation(args: list[str], where: str, label: str) -> Period:
    if len(args) < 2 or len(args) % 2:
        raise ConfigError(f"{where}: expected 'affiliation EMAIL \"Org\" [from YYYY-MM-DD] [until YYYY-MM-DD]'")
    key, org_name, options = node_key(args[0], where), args[1], dict(zip(args[2::2], args[3::2]))
    unknown = set(options) - {"from", "until"}
    if unknown:
        raise ConfigError(f"{where}: unknown word {sorted(unknown)[0]!r} (use from / until)")
    try:
        start = date.fromisoformat(options["from"]) if "from" in options else EPOCH
        end = date.fromisoformat(options["until"]) if "until" in options else None
    except ValueError as err:
        raise ConfigError(f"{where}: {err}") from None
    if end is not None and end <= start:
        raise ConfigError(f"{where}: until {end} is not after from {start}")
    org = canonical_org(org_name) or org_name
    return Period(key, org, start, end, f"{label} affiliation {args[0]} {org_name}")


def format_line(verb: str, *args: str, start: date | None = None, end: date | None = None) -> str:
    """The exact overrides line for one correction (quoted where needed)."""
    words = [verb, *args]
    if start and start != EPOCH:
        words += ["from", start.isoformat()]
    if end:
        words += ["until", end.isoformat()]
    return " ".join(shlex.quote(w) for w in words)


def append_line(path: Path, line: str) -> None:
    """Append ``line`` to the overrides file after checking it parses."""
    parse(line, path.name, path=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text("utf-8") if path.exists() else "# healthdash overrides: one correction per line\n"
    if existing and not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + line + "\n", "utf-8")
