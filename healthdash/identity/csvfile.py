"""Importer for the plain sponsor CSV: ``email,org,start,end``.

The simplest format for a foundation's sponsor or member list.  ``start`` and
``end`` are ISO dates and may be empty (open); ``end`` is **exclusive** -- the
first day the person no longer works for ``org`` -- like Stackalytics'
``end_date`` and gitdm's ``until``.  Extra columns are ignored.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from healthdash.errors import ConfigError
from healthdash.identity.records import EPOCH, Imported, Period, canonical_org, email_key

FORMAT = "csv"
COLUMNS = ("email", "org", "start", "end")


def _date(value: str | None, where: str, column: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{where}: {column} {value!r} is not a date like 2024-04-03") from None


def read(path: Path, *, origin: str | None = None) -> Imported:
    path = Path(path)
    origin = origin or path.name
    imported = Imported(origin=origin, format=FORMAT)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [c for c in COLUMNS[:2] if c not in header]
            if missing:
                raise ConfigError(f"{path}: the header must name the columns email,org,start,end "
                                  f"(missing {', '.join(missing)})")
            reader.fieldnames = header
            for row in reader:
                _row(imported, row, f"{path}:{reader.line_num}")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read CSV file {path}: {err}") from err
    return imported


def _row(imported: Imported, row: dict, where: str) -> None:
    email = (row.get("email") or "").strip().lower()
    org_name = (row.get("org") or "").strip()
    if not email and not org_name:
        return
    if "@" not in email:
        raise ConfigError(f"{where}: {email!r} is not an email address")
    if not org_name:
        raise ConfigError(f"{where}: no org for {email}")
    start = _date(row.get("start"), where, "start") or EPOCH
    end = _date(row.get("end"), where, "end")
    if end is not None and end <= start:
        raise ConfigError(f"{where}: end {end} is not after start {start}")
    org = canonical_org(org_name)
    if org is not None:
        line = where.rsplit(":", 1)[-1]
        imported.periods.append(Period(email_key(email), org, start, end,
                                       f"{imported.origin}:{line} {email},{org_name}"))
