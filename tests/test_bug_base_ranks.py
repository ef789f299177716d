"""bug_base ranks private bugs among themselves only (migration 0022, issue 11 speed).

The view used to rank every bug in one window to name private ones ``private-<n>``;
it now ranks only the private rows and joins them back.  The rows must be exactly
what the original definition (kept in 0005_bugs.sql) gives: same opaque names, no
bug number or title of a private bug anywhere new.
"""

from __future__ import annotations

import re
from importlib import resources

import duckdb
import polars as pl

import bug_fixture
from healthdash.warehouse.load import upsert
from healthdash.warehouse.store import writer


def _original_view_sql() -> str:
    text = resources.files("healthdash.warehouse").joinpath("schema", "0005_bugs.sql").read_text("utf-8")
    match = re.search(r"CREATE VIEW bug_base AS(.*?);\n", text, re.DOTALL)
    assert match, "0005_bugs.sql no longer defines bug_base"
    return f"CREATE TEMP VIEW original_bug_base AS{match.group(1)}"


def test_private_ranks_and_every_row_match_the_original_definition(tmp_path):
    db = bug_fixture.build(tmp_path / "w.duckdb")
    with writer(db) as con:   # a second tracker's private bug sorts between the first's by source
        extra = bug_fixture.bug_frame().filter(pl.col("is_private")).with_columns(
            pl.lit("github").alias("source"), (pl.col("bug_key") + "-gh").alias("bug_key"))
        upsert(con, "bugs", extra)
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute(_original_view_sql())
        new_only = con.execute("SELECT count(*) FROM (FROM bug_base EXCEPT ALL FROM original_bug_base)").fetchone()[0]
        old_only = con.execute("SELECT count(*) FROM (FROM original_bug_base EXCEPT ALL FROM bug_base)").fetchone()[0]
        refs = con.execute("SELECT source, bug_ref FROM bug_base WHERE is_private ORDER BY bug_ref").fetchall()
        total = con.execute("SELECT count(*) FROM bugs").fetchone()[0]
        rows = con.execute("SELECT count(*) FROM bug_base").fetchone()[0]
    finally:
        con.close()
    assert (new_only, old_only) == (0, 0)
    assert rows == total
    # 2 private launchpad bugs + the same 2 under github: github sorts first -> private-1, private-2
    assert refs == [("github", "private-1"), ("github", "private-2"),
                    ("launchpad", "private-3"), ("launchpad", "private-4")]
    assert not any(number in ref for _, ref in refs for number in bug_fixture.PRIVATE_NUMBERS)
