"""Warehouse -> Hive-partitioned Parquet (``healthdash export-warehouse --parquet DIR``).

Where it sits: reads the warehouse through a read-only connection (a collection
may run meanwhile) and writes every table with DuckDB's own ``COPY ... TO ...
(FORMAT parquet, PARTITION_BY ...)``: no row passes through Python.  The layout
(which date partitions which table, what is derived, what is never written) is
in :mod:`healthdash.warehouse.parquet_layout`.

Why it is careful:

* **All or nothing.**  Files go to a hidden sibling folder that is renamed to
  DIR only when every table and the manifest are written, so a crash never
  leaves half an export where a reader would take it for a whole one.
* **Privacy.**  An export leaves healthdash's control.  Unless the caller says
  ``include_private``, private and embargoed bugs are not written, nor anything
  pointing at them (a public bug's ``duplicate_of``, an advisory's bug list, the
  facts of people known only from such bugs).  Raw API pages are never written;
  URLs and error texts are masked (:func:`healthdash.redact.redact`).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import duckdb

from collectors.launchpad import PRIVATE_INFORMATION_TYPES
from healthdash.errors import HealthdashError
from healthdash.redact import sql_redactions
from healthdash.warehouse.migrate import latest_version, schema_version
from healthdash.warehouse.parquet_layout import (DEFAULT_SHARD, DERIVED_TABLES, MANIFEST, NEVER_EXPORTED,
                                                 PARTITION_COLUMN, PARTITION_DATES, REDACTED_COLUMNS,
                                                 check_shard, manifest_name)
from healthdash.warehouse.store import reader

#: ``on_table(table, rows_written)`` after each table, for progress bars.
TableCallback = Callable[[str, int], None]


class ExportError(HealthdashError):
    title = "export failed"


@dataclass
class ExportResult:
    directory: Path
    manifest: dict
    files: list[Path] = field(default_factory=list)


def exported_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The warehouse tables an export writes, in name order."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name").fetchall()
    return [name for (name,) in rows if name not in NEVER_EXPORTED]


def export_warehouse(warehouse: str | os.PathLike, out_dir: str | os.PathLike, *, shard: str = DEFAULT_SHARD,
                     include_private: bool = False, overwrite: bool = False,
                     on_start: Callable[[list[str]], None] | None = None,
                     on_table: TableCallback | None = None) -> ExportResult:
    """Write ``warehouse`` as Parquet into ``out_dir``; return the manifest written with it."""
    shard = check_shard(shard)
    out_dir = Path(out_dir)
    _check_target(out_dir, overwrite)
    partial = out_dir.parent / f".{out_dir.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir(parents=True)
        with reader(warehouse) as con:
            version = _check_version(con, warehouse)
            try:
                manifest = _write_tables(con, partial, shard, include_private, on_start, on_table)
            except duckdb.Error as err:
                hint = "" if version == latest_version() else "; `healthdash collect` upgrades it"
                raise ExportError(f"{warehouse} (schema version {version}{hint}): "
                                  f"{' '.join(str(err).split(chr(10) + 'LINE ')[0].split())[:300]}") from err
        (partial / manifest_name(shard)).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _swap_in(partial, out_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    files = sorted(out_dir.rglob("*.parquet"))
    return ExportResult(out_dir, manifest, files)


def _check_version(con, warehouse) -> int:
    """The warehouse's schema version; a newer one than this healthdash knows is refused.

    An older one is exported as it is (an export only reads, and a reader may not be allowed to
    upgrade the file); the manifest records its version and import-warehouse matches columns by name.
    """
    version, latest = schema_version(con), latest_version()
    if version > latest:
        raise ExportError(f"{warehouse} has schema version {version}, newer than this healthdash knows "
                          f"({latest}); upgrade healthdash")
    return version


def _check_target(out_dir: Path, overwrite: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} exists and is not a folder")
    if not out_dir.is_dir() or not any(out_dir.iterdir()):
        return
    if not overwrite:
        raise ExportError(f"{out_dir} is not empty; pass --overwrite to replace the export in it")
    if not any(out_dir.glob("_healthdash*.json")):
        raise ExportError(f"{out_dir} is not empty and holds no healthdash export (no {MANIFEST}); "
                          "--overwrite only replaces an earlier export")


def _swap_in(partial: Path, out_dir: Path) -> None:
    """Rename the finished export into place; an earlier export in ``out_dir`` goes only after."""
    old = None
    if out_dir.is_dir():
        if any(out_dir.iterdir()):
            old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            os.rename(out_dir, old)
        else:
            out_dir.rmdir()
    os.rename(partial, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_tables(con, folder: Path, shard: str, include_private: bool, on_start, on_table) -> dict:
    con.execute("SET enable_progress_bar = false")   # the CLI draws its own bar per table
    tables = exported_tables(con)
    if on_start:
        on_start(tables)
    if not include_private:
        _mark_private(con)
    described = {}
    for table in tables:
        query = _select(con, table, include_private)
        columns = con.execute(f"DESCRIBE {query}").fetchall()
        rows = _copy(con, table, query, folder / table, shard)
        described[table] = {
            "columns": [{"name": name, "type": kind} for name, kind, *_ in columns],
            "rows": rows,
            "partitioned_by": PARTITION_DATES.get(table),
            "derived": table in DERIVED_TABLES,
        }
        if on_table:
            on_table(table, rows)
    return {
        "format": "healthdash warehouse export",
        "schema_version": schema_version(con),
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "shard": shard,
        "partition_column": PARTITION_COLUMN,
        "include_private": include_private,
        "never_exported": sorted(NEVER_EXPORTED),
        "tables": described,
    }


def _copy(con, table: str, query: str, target: Path, shard: str) -> int:
    """``COPY`` one table's rows to ``target`` (partitioned by year when the table has a date)."""
    target.mkdir()
    date = PARTITION_DATES.get(table)
    if date is None:
        return _rows(con.execute(f"COPY ({query}) TO '{_sql_path(target / f'{shard}_0.parquet')}' "
                                 "(FORMAT parquet)"))
    rows = _rows(con.execute(
        f'COPY (SELECT *, year("{date}") AS {PARTITION_COLUMN} FROM ({query})) TO \'{_sql_path(target)}\' '
        f"(FORMAT parquet, PARTITION_BY ({PARTITION_COLUMN}), FILENAME_PATTERN '{shard}_{{i}}')"))
    if rows == 0:   # keep the table's columns readable: one empty file in the NULL-year folder
        empty = target / f"{PARTITION_COLUMN}=__HIVE_DEFAULT_PARTITION__"
        empty.mkdir()
        con.execute(f"COPY ({query} LIMIT 0) TO '{_sql_path(empty / f'{shard}_0.parquet')}' (FORMAT parquet)")
    return rows


def _rows(result) -> int:
    row = result.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _select(con, table: str, include_private: bool) -> str:
    """The SELECT that gives ``table``'s exported rows: masked text, and the privacy filter."""
    names = [name for (name,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main' "
        "AND table_catalog = current_database() ORDER BY ordinal_position", [table]).fetchall()]
    replaced = {name: _masked(name) for name in REDACTED_COLUMNS.get(table, ()) if name in names}
    where = ""
    if not include_private:
        replaced.update(_PRIVATE_COLUMNS.get(table, {}))
        where = _PRIVATE_ROWS.get(table, "")
    exprs = ", ".join(f'{replaced[n]} AS "{n}"' if n in replaced else f'"{n}"' for n in names)
    return f'SELECT {exprs} FROM "{table}" {where}'.rstrip()


def _masked(column: str) -> str:
    """SQL masking credentials in ``column`` (:func:`healthdash.redact.sql_redactions`)."""
    expr = f'"{column}"'
    for pattern, replacement in sql_redactions():
        expr = f"regexp_replace({expr}, {_literal(pattern)}, {_literal(replacement)}, 'g')"
    return expr


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --- privacy: what "private" reaches ------------------------------------------------------------

def _mark_private(con) -> None:
    """Temp tables of private bugs (every way they are referred to), and of the identities and
    people known only from them."""
    types = ", ".join(_literal(t) for t in sorted(PRIVATE_INFORMATION_TYPES))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE hd_private_bugs AS
        SELECT source, bug_key, bug_id, reporter_identity, assignee_identity FROM bugs
        WHERE is_private OR coalesce(information_type, '') IN ({types})""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE hd_private_refs AS
        SELECT DISTINCT ref FROM (
            SELECT bug_key AS ref FROM hd_private_bugs UNION ALL SELECT bug_id FROM hd_private_bugs
            UNION ALL SELECT source || ':' || coalesce(bug_id, bug_key) FROM hd_private_bugs
            UNION ALL SELECT source || ':' || bug_key FROM hd_private_bugs) WHERE ref IS NOT NULL""")
    con.execute("CREATE OR REPLACE TEMP TABLE hd_private_ref_list AS "
                "SELECT coalesce(list(ref), []) AS refs FROM hd_private_refs")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE hd_hidden_identities AS
        SELECT id FROM (SELECT reporter_identity AS id FROM hd_private_bugs
                        UNION SELECT assignee_identity FROM hd_private_bugs) WHERE id IS NOT NULL
        EXCEPT (
            SELECT author_identity FROM commits UNION SELECT committer_identity FROM commits
            UNION SELECT owner_identity FROM changes UNION SELECT reviewer_identity FROM review_votes
            UNION SELECT author_identity FROM review_messages
            UNION SELECT reporter_identity FROM bugs b ANTI JOIN hd_private_bugs p USING (source, bug_key)
            UNION SELECT assignee_identity FROM bugs b ANTI JOIN hd_private_bugs p USING (source, bug_key))""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE hd_hidden_people AS
        SELECT person_id FROM identity_person WHERE identity_id IN (SELECT id FROM hd_hidden_identities)
        EXCEPT SELECT person_id FROM identity_person WHERE identity_id NOT IN (SELECT id FROM hd_hidden_identities)""")


_HIDDEN_PERSON = "WHERE person_id NOT IN (SELECT person_id FROM hd_hidden_people)"

#: Rows left out when private bugs are not exported.
_PRIVATE_ROWS: dict[str, str] = {
    "bugs": "ANTI JOIN hd_private_bugs p USING (source, bug_key)",
    "advisories": "CROSS JOIN hd_private_ref_list",
    "identities": "WHERE identity_id NOT IN (SELECT id FROM hd_hidden_identities)",
    "identity_person": "WHERE identity_id NOT IN (SELECT id FROM hd_hidden_identities)",
    "people": _HIDDEN_PERSON,
    "affiliations": _HIDDEN_PERSON,
    "contribution_facts": ("WHERE NOT (kind IN ('bug_filed', 'bug_fixed') AND item_key IN (SELECT ref FROM hd_private_refs)) "
                           "AND coalesce(identity_id, '') NOT IN (SELECT id FROM hd_hidden_identities)"),
}

#: Columns that point at a private bug: the pointer is dropped, the row kept.
_PRIVATE_COLUMNS: dict[str, dict[str, str]] = {
    "bugs": {"duplicate_of": "CASE WHEN duplicate_of IN (SELECT ref FROM hd_private_refs) THEN NULL "
                             "ELSE duplicate_of END"},
    "advisories": {"bug_keys": "CASE WHEN bug_keys IS NULL THEN NULL ELSE list_filter(bug_keys, lambda k: "
                               "NOT list_contains(hd_private_ref_list.refs, k)) END"},
}
