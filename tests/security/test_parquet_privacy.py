"""export-warehouse never writes a private or embargoed bug, or anything pointing at one, unless told to.

The leak test's warehouse (tests/test_privacy_leak.py: the fixture's private bugs stored WITH
marker titles, tags and links, plus the real Launchpad collector's private bugs, counted in
aggregates) gets one more private bug whose reporter is known from nothing else, and a public
bug marked a duplicate of it.  Every written Parquet file is searched twice: its raw bytes
(``grep``) and every decoded cell.  With ``--include-private-bugs`` the same search must find
the markers, so the search is shown to see what it looks for; raw API pages and tokens are
never written either way.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import datetime, timezone

import duckdb
import polars as pl
import pytest

from test_privacy_leak import CONTROL, SECRETS, TOKEN_ENV, warehouse  # noqa: F401 - warehouse is a fixture
from healthdash.warehouse import load, writer
from healthdash.warehouse.identity_load import rebuild_people
from healthdash.warehouse.parquet_export import export_warehouse

WHISTLEBLOWER = "Wanda WHISTLEBLOWER-NAME"
WHISTLE_EMAIL = "wanda@whistle-vendor.example"
HIDDEN_NUMBER = "7391599"
MARKERS = (*SECRETS, WHISTLEBLOWER, WHISTLE_EMAIL, HIDDEN_NUMBER, "lp-wanda")
TOKEN_PARTS = ("Tok3nValue", "S3cretValue")


@pytest.fixture(scope="module")
def private_warehouse(warehouse, tmp_path_factory):  # noqa: F811
    path = tmp_path_factory.mktemp("pq-private") / "w.duckdb"
    shutil.copyfile(warehouse, path)
    when = datetime(2024, 3, 22, tzinfo=timezone.utc)
    with writer(path) as con:
        load.upsert(con, "identities", pl.DataFrame({
            "identity_id": ["lp-wanda"], "source": ["launchpad"], "name": [WHISTLEBLOWER], "username": ["wanda"],
            "email": [WHISTLE_EMAIL]}))
        load.upsert(con, "bugs", pl.DataFrame({
            "source": ["launchpad", "launchpad"], "bug_key": [f"example/{HIDDEN_NUMBER}", "example/424242"],
            "bug_id": [HIDDEN_NUMBER, "424242"], "project": ["example", "example"],
            "title": [None, "Public duplicate"], "status": ["New", "New"], "created": [when, when],
            "is_security": [True, False], "is_private": [False, False],   # embargoed by information type alone
            "information_type": ["Embargoed", "Public"], "reporter_identity": ["lp-wanda", "lp-reporter"],
            "duplicate_of": [None, HIDDEN_NUMBER]}))
        rebuild_people(con)
    return path


def written_markers(out) -> dict[str, set[str]]:
    """Markers found in each Parquet file: in its bytes ('bytes') and in its decoded cells ('cells')."""
    found = {"bytes": set(), "cells": set()}
    con = duckdb.connect()
    for file in out.rglob("*.parquet"):
        raw = file.read_bytes()
        found["bytes"] |= {m for m in MARKERS + TOKEN_PARTS if m.encode() in raw}
        cells = str(con.execute("SELECT * FROM read_parquet(?)", [str(file)]).fetchall())
        found["cells"] |= {m for m in MARKERS + TOKEN_PARTS if m in cells}
    return found


def test_the_markers_are_really_in_the_warehouse(private_warehouse):
    with duckdb.connect(str(private_warehouse), read_only=True) as con:
        text = str(con.execute("SELECT * FROM bugs").fetchall()) + str(con.execute("FROM identities").fetchall())
        people = str(con.execute("FROM people").fetchall())
    assert all(m in text for m in MARKERS)
    assert WHISTLEBLOWER in people


def test_default_export_holds_no_private_bug_nor_anything_pointing_at_one(private_warehouse, tmp_path):
    out = tmp_path / "export"
    run = subprocess.run([sys.executable, "-m", "healthdash.cli", "export-warehouse", "--parquet", str(out),
                          "--warehouse", str(private_warehouse)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert written_markers(out) == {"bytes": set(), "cells": set()}
    assert not (out / "raw_items").exists()
    con = duckdb.connect()
    bugs = f"read_parquet('{out}/bugs/**/*.parquet', hive_partitioning = true)"
    assert con.execute(f"SELECT count(*) FROM {bugs} WHERE title = ?", [CONTROL]).fetchone()[0] == 1
    assert con.execute(f"SELECT duplicate_of FROM {bugs} WHERE bug_id = '424242'").fetchone() == (None,)
    assert con.execute(f"SELECT count(*) FROM {bugs} WHERE is_private OR information_type IN "
                       "('Private', 'Private Security', 'Proprietary', 'Embargoed')").fetchone()[0] == 0
    # the public bugs and advisories stay: 10 public fixture bugs (A-D, F-I, K, L) + the duplicate + the
    # real collector's public ones; the advisory of private bug J keeps its row, without J's number
    with duckdb.connect(str(private_warehouse), read_only=True) as wh:
        public = wh.execute("SELECT count(*) FROM bugs WHERE NOT is_private AND information_type NOT IN "
                            "('Private', 'Private Security', 'Proprietary', 'Embargoed')").fetchone()[0]
    assert con.execute(f"SELECT count(*) FROM {bugs}").fetchone()[0] == public >= 11
    advisory = con.execute(f"SELECT bug_keys FROM read_parquet('{out}/advisories/**/*.parquet') "
                           "WHERE advisory_id = 'OSSA-2024-002'").fetchone()
    assert advisory == ([],)


def test_the_search_finds_the_markers_when_private_bugs_are_asked_for(private_warehouse, tmp_path):
    out = tmp_path / "export"
    result = export_warehouse(private_warehouse, out, include_private=True)
    assert result.manifest["include_private"] is True
    found = written_markers(out)
    assert set(MARKERS) <= found["cells"]
    assert SECRETS[0] in found["bytes"] and WHISTLEBLOWER in found["bytes"]   # grep sees plain text too
    # raw API pages and tokens: never, whatever the flag
    assert not (out / "raw_items").exists() and not set(TOKEN_PARTS) & (found["bytes"] | found["cells"])
