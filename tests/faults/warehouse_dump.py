"""Full contents of a warehouse, for comparing a faulty run with a clean one (not counts: every row)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

#: Bookkeeping that differs between two runs of the same data: when it was fetched or run.
VOLATILE = frozenset({"fetched_at", "last_run_at", "last_ok_at", "applied_at", "imported_at", "captured_at"})
#: A local test server's port changes from run to run; URLs that name it are compared without it.
_LOCAL_PORT = re.compile(r"127\.0\.0\.1:\d+")
#: Tables about runs, not data (compared separately where a test cares).
RUN_TABLES = frozenset({"sources", "schema_migrations", "source_runs", "collect_state"})


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every data table's rows (volatile columns dropped), sorted, by table name."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "ORDER BY table_name").fetchall() if r[0] not in RUN_TABLES]
        out = {}
        for table in tables:
            columns = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [table]).fetchall() if r[0] not in VOLATILE]
            names = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'SELECT {names} FROM "{table}"').fetchall()
            out[table] = sorted((tuple(_LOCAL_PORT.sub("127.0.0.1:PORT", v) if isinstance(v, str) else v
                                       for v in row) for row in rows), key=repr)
        return out
    finally:
        con.close()


def differences(left: dict[str, list[tuple]], right: dict[str, list[tuple]]) -> list[str]:
    """Readable differences between two dumps (empty when equal)."""
    found = []
    for table in sorted(set(left) | set(right)):
        a, b = left.get(table), right.get(table)
        if a != b:
            found.append(f"{table}: {len(a or [])} vs {len(b or [])} rows; "
                         f"first difference {next((x for x in (a or []) if x not in (b or [])), None)!r:.300}")
    return found
