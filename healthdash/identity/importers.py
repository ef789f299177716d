"""Pick the importer for an affiliation file and read it.

Formats are told apart by file name, the way users already name them:
``*.json`` (Stackalytics ``default_data.json``), ``*.csv`` (sponsor CSV),
gitdm's ``developers_affiliations*.txt`` / ``email-map`` / ``domain-map`` /
``aliases``, ``.mailmap`` and healthdash's own overrides (``*overrides*``).
``FORMAT:path`` forces a format for oddly named files.
"""

from __future__ import annotations

from pathlib import Path

from healthdash.errors import ConfigError
from healthdash.identity import csvfile, gitdm, mailmap, overrides, stackalytics
from healthdash.identity.records import Imported

FORMATS = ("stackalytics", "csv", "gitdm-developers", "gitdm-email-map", "gitdm-domain-map",
           "gitdm-aliases", "mailmap", "overrides")


def split_format(spec: str) -> tuple[str | None, Path]:
    head, sep, rest = str(spec).partition(":")
    if sep and head in FORMATS:
        return head, Path(rest)
    return None, Path(spec)


def detect_format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".json"):
        return "stackalytics"
    if name.endswith(".csv"):
        return "csv"
    if "mailmap" in name:
        return "mailmap"
    if "override" in name:
        return "overrides"
    found = gitdm.detect(path)
    if found:
        return found
    raise ConfigError(f"{path}: cannot tell the affiliation format from the file name "
                      f"(prefix it with one of {', '.join(FORMATS)} and a colon, e.g. csv:{path})")


def read_file(spec: str | Path, *, origin: str | None = None) -> Imported:
    """Parse one affiliation file; bad content raises ConfigError naming the file and line."""
    fmt, path = split_format(str(spec))
    fmt = fmt or detect_format(path)
    if not path.is_file():
        raise ConfigError(f"affiliation file {path} does not exist")
    origin = origin or path.name
    if fmt == "stackalytics":
        return stackalytics.read(path, origin=origin)
    if fmt == "csv":
        return csvfile.read(path, origin=origin)
    if fmt == "overrides":
        return overrides.read(path, origin=origin)
    if fmt == "mailmap":
        return mailmap.parse(path.read_text("utf-8", errors="replace"), origin)
    return gitdm.READERS[fmt](path, origin)
