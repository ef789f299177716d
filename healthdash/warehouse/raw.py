"""Raw payloads back to typed rows: the warehouse side of ``healthdash rebuild``.

HTTP collectors store each item's payload in ``raw_items`` beside the typed rows
built from it (``collectors/raw.py``).  :mod:`healthdash.rebuild` reads a
source's payloads here, grouped by ``fetched_at`` (one group per collected
page or run, so rebuilt rows keep their ``fetched_at``), and
:func:`replace_from_raw` swaps that source's typed rows for the rebuilt ones in
one transaction: it deletes only rows whose key is one of the source's raw item
ids (bugs also by ``source_id``), so rows of other sources, and rows collected
before payloads were kept, stay as they are.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable, Iterator

import duckdb

from healthdash.warehouse.load import upsert


def item_count(con: duckdb.DuckDBPyConnection, source_id: str) -> int:
    return con.execute("SELECT count(*) FROM raw_items WHERE source_id = ?", [source_id]).fetchone()[0]


def payload_groups(con: duckdb.DuckDBPyConnection, source_id: str) -> Iterator[tuple[datetime, list[Any]]]:
    """``(fetched_at, payloads)`` of a source, oldest fetch first (one query per group)."""
    stamps = [row[0] for row in con.execute(
        "SELECT DISTINCT fetched_at FROM raw_items WHERE source_id = ? ORDER BY fetched_at", [source_id]).fetchall()]
    for stamp in stamps:
        rows = con.execute("SELECT payload FROM raw_items WHERE source_id = ? AND fetched_at = ? "
                           "ORDER BY category, item_id", [source_id, stamp]).fetchall()
        yield stamp, [json.loads(row[0]) for row in rows]


def replace_from_raw(con: duckdb.DuckDBPyConnection, source_id: str, owned: Iterable[tuple[str, str, str]],
                     batches: Iterable[Any]) -> int:
    """Delete the source's typed rows and load ``batches`` (rebuilt from its payloads) in one transaction.

    ``owned`` lists ``(table, key column, typed source)``: rows of ``table`` with
    ``source = typed source`` whose key is one of the source's raw item ids are deleted
    (``bugs`` rows also need ``source_id`` = the source).  Returns rows written.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        for table, key, typed_source in owned:
            extra = " AND source_id = ?" if table == "bugs" else ""
            params = [typed_source, source_id] + ([source_id] if extra else [])
            con.execute(f'DELETE FROM "{table}" WHERE source = ? AND "{key}" IN '
                        f"(SELECT item_id FROM raw_items WHERE source_id = ?){extra}", params)
        written = sum(upsert(con, table, frame) for batch in batches for table, frame in batch.frames.items())
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return written
