"""Schema migrations: ``schema/NNNN_name.sql`` applied in order, once each.

Applied versions are recorded in ``schema_migrations`` so an older warehouse is
upgraded in place by opening it for writing.
"""

from __future__ import annotations

import re
from importlib import resources

import duckdb

from healthdash.warehouse.load import forget_catalog

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_files() -> list[tuple[int, str, str]]:
    """All shipped migrations as (version, file name, sql), in order."""
    found = []
    for entry in resources.files("healthdash.warehouse").joinpath("schema").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(versions) != len(set(versions)):
        raise RuntimeError(f"two schema files share a version number: {versions}")
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def latest_version() -> int:
    files = migration_files()
    return files[-1][0] if files else 0


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every shipped migration the warehouse has not recorded, in order.

    Missing versions are applied even below the highest recorded one, so a
    warehouse created while a lower-numbered file did not exist yet catches up.
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, sql in migration_files():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    if applied:
        forget_catalog()   # tables changed: the loader's kept column lists may be stale
    return applied
