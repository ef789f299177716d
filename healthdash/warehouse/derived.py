"""Derived tables rebuilt at the end of every write session.

Every write goes through :func:`healthdash.warehouse.store.writer`, which calls
:func:`refresh` before swapping the staging file in, so derived tables never
lag behind the data or a correction.  Each derived table is one SQL file in
``derived/``, run in name order.
"""

from __future__ import annotations

from importlib import resources

import duckdb

from healthdash.warehouse.load import forget_catalog


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    folder = resources.files("healthdash.warehouse").joinpath("derived")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql"):
            con.execute(entry.read_text("utf-8"))
    forget_catalog()   # derived tables were replaced: the loader's kept column lists may be stale
