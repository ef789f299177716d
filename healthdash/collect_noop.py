"""A collection with nothing to do must not rewrite the warehouse.

A normal run copies the whole warehouse to a staging file, migrates it, syncs
the reference tables, rebuilds people and the derived tables and swaps the
copy in: seconds for a large warehouse, even when no repository moved.  Before
opening the writer, :func:`up_to_date` checks, with a read-only connection, that
this run could not change anything:

- every selected source is a git source (an HTTP source can only know by fetching),
  not ``--full`` nor ``--since``;
- every repository's head, resolved in parallel (``git rev-parse``, a fetch for a
  URL), equals its stored cursor, and the source's last run succeeded at the same
  location;
- the settings fingerprint (:func:`settings_fingerprint`: the settings, the files
  they name, healthdash and schema versions) equals the one the last normal run
  stored (``collect_state``), and no affiliation file failed to read last time.

Then nothing is written to the warehouse (its bytes and mtime stay); each source
is reported "up to date" and the check is recorded beside the warehouse in
``<warehouse>.checked`` (JSON: when, which sources, their heads), which
``healthdash status`` shows as "last checked".  ``sources.last_run_at`` keeps the
time of the last run that wrote.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

import healthdash
from collectors.base import CollectorError as SourceError
from collectors.base import SourceSpec
from collectors.git import repository_path, resolve_head
from healthdash.settings import Settings
from healthdash.warehouse.identity_load import overrides_path
from healthdash.warehouse.migrate import latest_version, schema_version

FINGERPRINT_KEY = "settings_fingerprint"
#: Options that change how, not what, a repository is read.
_HOW_OPTIONS = frozenset({"workers", "split_min_commits", "batch_commits"})
_HEAD_THREADS = 16


def settings_fingerprint(settings: Settings) -> str:
    """Hash of everything besides the sources that a run writes into the warehouse."""
    named = {str(path) for path in _named_files(settings.raw, settings)}
    named.discard(str(Path(settings.warehouse)))     # the warehouse itself changes with every write
    named = sorted(named | ({str(overrides_path(settings))} if overrides_path(settings) else set()))
    stats = []
    for name in named:
        try:
            info = os.stat(name)
            stats.append([name, info.st_mtime_ns, info.st_size])
        except OSError:
            stats.append([name, None, None])
    text = json.dumps({"settings": settings.raw, "files": stats, "healthdash": healthdash.__version__,
                       "schema": latest_version()}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _named_files(value: Any, settings: Settings):
    """Every string in the settings that names an existing file (affiliation files, mailmaps ...)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _named_files(item, settings)
    elif isinstance(value, list):
        for item in value:
            yield from _named_files(item, settings)
    elif isinstance(value, str) and value and "://" not in value and "\n" not in value:
        path = settings.resolve(value.split(":", 1)[-1] if ":" in value[:12] else value)
        if path.is_file():
            yield path


def record_fingerprint(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Called by every run that writes: what the settings were when the warehouse was made."""
    con.execute("INSERT OR REPLACE INTO collect_state VALUES (?, ?)",
                [FINGERPRINT_KEY, settings_fingerprint(settings)])


def up_to_date(settings: Settings, specs: list[SourceSpec], *, full: bool, since: str | None) -> dict | None:
    """``{source_id: head}`` when collecting ``specs`` could change nothing, else None."""
    warehouse = Path(settings.warehouse)
    if full or since or not specs or any(s.kind != "git" for s in specs) or not warehouse.exists():
        return None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None                       # busy or unreadable: the writer says why
    try:
        if schema_version(con) != latest_version():
            return None
        stored = con.execute("SELECT value FROM collect_state WHERE key = ?", [FINGERPRINT_KEY]).fetchall()
        ids = [s.source_id for s in specs]
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT source_id, kind, location, cursor, last_error, last_run_at FROM sources "
            "WHERE source_id IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall()}
        # a file the last run could not read is read (and reported) again
        unreadable = con.execute("SELECT count(*) FROM sources WHERE kind = 'affiliation' "
                                 "AND last_error IS NOT NULL").fetchone()[0]
    finally:
        con.close()
    if unreadable or not stored or stored[0][0] != settings_fingerprint(settings):
        return None
    for spec in specs:
        row = rows.get(spec.source_id)
        if row is None or row[0] != spec.kind or row[1] != (spec.location or "") or row[2] is None \
                or row[3] is not None or row[4] is None:
            return None
    with ThreadPoolExecutor(max_workers=min(_HEAD_THREADS, len(specs))) as pool:
        heads = list(pool.map(_head, specs))
    if any(head != rows[spec.source_id][2] for spec, head in zip(specs, heads)):
        return None
    return {spec.source_id: head for spec, head in zip(specs, heads)}


def _head(spec: SourceSpec) -> str | None:
    try:
        return resolve_head(repository_path(spec), spec.options.get("branch"))
    except (SourceError, OSError):
        return None


def checked_path(warehouse: str | os.PathLike) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + ".checked")


def mark_checked(warehouse: str | os.PathLike, heads: dict[str, str]) -> None:
    """Record (atomically, beside the warehouse) that these sources were found up to date now."""
    target = checked_path(warehouse)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(json.dumps({"checked_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                     "sources": heads}))
    os.replace(temporary, target)


def last_checked(warehouse: str | os.PathLike) -> tuple[datetime, dict[str, str]] | None:
    """(when, {source_id: head}) of the last run that found everything up to date, if any."""
    try:
        data = json.loads(checked_path(warehouse).read_text())
        return datetime.fromisoformat(data["checked_at"]), dict(data["sources"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
