"""Bulk loading: record batches -> tables, upserted by natural key.

Every batch is one transaction: its frames are inserted with one
``INSERT OR REPLACE ... SELECT`` each (Arrow, no row-by-row work) and the
source's cursor advances in the same transaction, so a crash never leaves a
half-loaded batch or a cursor ahead of the data.
"""

from __future__ import annotations

import contextlib

from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

import duckdb
import polars as pl

from healthdash.errors import WarehouseError
from healthdash.redact import redact


#: Catalog answers of the last connection that asked: (connection, {(kind, table): answer}).  A
#: collection loads every table of every batch, and each catalog query costs ~3 ms (2.4 s of 7.1 s
#: for 60 small repositories); the schema does not change between a writer's migration and its swap.
_CATALOG: tuple[object, dict] = (None, {})


def _catalog(con: duckdb.DuckDBPyConnection, kind: str, table: str, lookup) -> list[str]:
    global _CATALOG
    owner, answers = _CATALOG
    if owner is not con:
        answers = {}
        _CATALOG = (con, answers)
    if (kind, table) not in answers:
        answers[(kind, table)] = lookup()   # a miss raises and is not kept
    return list(answers[(kind, table)])


def forget_catalog() -> None:
    """Drop the kept answers: called where the schema changes (migrations, derived-table rebuilds)."""
    global _CATALOG
    _CATALOG = (None, {})


def primary_key(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return _catalog(con, "key", table, lambda: _primary_key(con, table))


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return _catalog(con, "columns", table, lambda: _table_columns(con, table))


def _primary_key(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() "
        "WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
        [table],
    ).fetchall()
    if not rows:
        raise WarehouseError(f"table {table!r} has no primary key to upsert by")
    return list(rows[0][0])


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    if not rows:
        raise WarehouseError(f"unknown warehouse table {table!r}")
    return [r[0] for r in rows]


def upsert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Insert or replace ``frame`` rows into ``table`` by its primary key.

    Columns are matched by name; table columns missing from the frame get their
    default.  Duplicate keys inside the frame keep the last row.
    """
    if frame.height == 0:
        return 0
    columns = table_columns(con, table)
    unknown = [c for c in frame.columns if c not in columns]
    if unknown:
        raise WarehouseError(f"batch for {table!r} has unknown columns {unknown}")
    key = [c for c in primary_key(con, table) if c in frame.columns]  # absent key columns take their default
    frame = frame.unique(subset=key, keep="last", maintain_order=True)
    names = ", ".join(f'"{c}"' for c in frame.columns)
    con.register("_hd_batch", frame.to_arrow())
    try:
        con.execute(f'INSERT OR REPLACE INTO "{table}" ({names}) SELECT {names} FROM _hd_batch')
    except BaseException:
        # an interrupted insert (SIGTERM, Ctrl-C) aborts the transaction: unregistering then fails
        # and would hide why the load stopped
        with contextlib.suppress(duckdb.Error):
            con.unregister("_hd_batch")
        raise
    con.unregister("_hd_batch")
    return frame.height


def delete_where(con: duckdb.DuckDBPyConnection, table: str, filters: Mapping[str, Any]) -> None:
    columns = table_columns(con, table)
    if not filters or any(c not in columns for c in filters):
        raise WarehouseError(f"bad delete filter {dict(filters)} for {table!r}")
    where = " AND ".join(f'"{c}" = ?' for c in filters)
    con.execute(f'DELETE FROM "{table}" WHERE {where}', list(filters.values()))


def register_source(con: duckdb.DuckDBPyConnection, source_id: str, kind: str, location: str) -> None:
    """Record a source; its location is stored without credentials (:func:`healthdash.redact.redact`)."""
    location = redact(location)
    con.execute(
        "INSERT INTO sources (source_id, kind, location) VALUES (?, ?, ?) "
        "ON CONFLICT (source_id) DO UPDATE SET kind = excluded.kind, location = excluded.location",
        [source_id, kind, location],
    )


def register_sources(con: duckdb.DuckDBPyConnection, sources: pl.DataFrame) -> None:
    """:func:`register_source` for many sources in one statement (``source_id, kind, location``)."""
    if sources.height == 0:
        return
    sources = sources.with_columns(pl.col("location").map_elements(redact, return_dtype=pl.String))
    con.register("_hd_sources", sources.select("source_id", "kind", "location").to_arrow())
    try:
        con.execute(
            "INSERT INTO sources (source_id, kind, location) SELECT source_id, kind, location FROM _hd_sources "
            "ON CONFLICT (source_id) DO UPDATE SET kind = excluded.kind, location = excluded.location")
    finally:
        con.unregister("_hd_sources")


def finish_sources(con: duckdb.DuckDBPyConnection, outcomes: pl.DataFrame) -> None:
    """:func:`finish_source` for many sources in one statement (``source_id, error, rows``)."""
    if outcomes.height == 0:
        return
    now = datetime.now(timezone.utc)
    outcomes = outcomes.with_columns(pl.col("error").map_elements(redact, return_dtype=pl.String))
    con.register("_hd_outcomes", outcomes.select("source_id", "error", "rows").to_arrow())
    try:
        con.execute(
            "UPDATE sources SET last_run_at = ?, last_error = o.error, last_run_rows = o.rows, "
            "last_ok_at = CASE WHEN o.error IS NULL THEN ? ELSE sources.last_ok_at END "
            "FROM _hd_outcomes o WHERE sources.source_id = o.source_id", [now, now])
    finally:
        con.unregister("_hd_outcomes")


def get_cursor(con: duckdb.DuckDBPyConnection, source_id: str) -> str | None:
    rows = con.execute("SELECT cursor FROM sources WHERE source_id = ?", [source_id]).fetchall()
    return rows[0][0] if rows else None


def load_batch(con: duckdb.DuckDBPyConnection, source_id: str, batch, *, own_transaction: bool = True) -> int:
    """Load one :class:`collectors.base.Batch` in one transaction; return rows written.

    ``own_transaction=False`` when the caller already holds a transaction spanning
    several batches (a git source is loaded all or nothing, see healthdash.collect).
    """
    if not own_transaction:
        return _load_batch(con, source_id, batch)
    con.execute("BEGIN TRANSACTION")
    try:
        written = _load_batch(con, source_id, batch)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return written


def _load_batch(con: duckdb.DuckDBPyConnection, source_id: str, batch) -> int:
    for table, filters in batch.replace.items():
        delete_where(con, table, filters)
    written = sum(upsert(con, table, frame) for table, frame in batch.frames.items())
    # A batch that replaces rows starts a re-scan: until a later batch sets the
    # cursor, the source has none, so a re-scan that fails half-way is redone
    # in full next time instead of leaving a partial history behind a cursor.
    restart = bool(batch.replace) and batch.cursor is None
    con.execute(
        "UPDATE sources SET rows_loaded = rows_loaded + ?, "
        "cursor = CASE WHEN ? THEN NULL ELSE coalesce(?, cursor) END WHERE source_id = ?",
        [written, restart, batch.cursor, source_id],
    )
    return written


def finish_source(con: duckdb.DuckDBPyConnection, source_id: str, error: str | None,
                  rows: int | None = None) -> None:
    """Record the outcome of one source's run (error text, redacted, or success; rows it wrote)."""
    error = redact(error) if error else None
    now = datetime.now(timezone.utc)
    con.execute(
        "UPDATE sources SET last_run_at = ?, last_error = ?, last_run_rows = ?, "
        "last_ok_at = CASE WHEN ? IS NULL THEN ? ELSE last_ok_at END WHERE source_id = ?",
        [now, error, rows, error, now, source_id],
    )


def replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame,
                  where: Mapping[str, Any] | None = None) -> None:
    """Replace a whole (small) reference table, or the rows matching ``where``, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        if where:
            delete_where(con, table, where)
        else:
            con.execute(f'DELETE FROM "{table}"')
        upsert(con, table, frame)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def row_counts(con: duckdb.DuckDBPyConnection, tables: Iterable[str] | None = None) -> dict[str, int]:
    """Rows per table (``tables``, else every table the Data page and ``status`` list: the speed
    rollups, caches rebuilt from the others at every write, are left out)."""
    if tables is None:
        from healthdash.warehouse.parquet_layout import ROLLUP_TABLES

        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_name"
        ).fetchall() if r[0] not in ROLLUP_TABLES]
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
