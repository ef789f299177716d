"""Warehouse: migrations, idempotent upserts, one writer, and crashes that lose nothing."""

import multiprocessing
from datetime import datetime, timezone

import duckdb
import polars as pl
import pytest

from collectors.base import Batch
from healthdash.errors import WarehouseBusyError, WarehouseError
from healthdash.warehouse import latest_version, load_batch, reader, row_counts, schema_version, writer
from healthdash.warehouse.load import register_source

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


def commits_frame(shas, subject="work"):
    n = len(shas)
    return pl.DataFrame({
        "repo": ["r"] * n, "sha": shas, "is_merge": [False] * n,
        "author_identity": ["a"] * n, "author_date": [T0] * n,
        "committer_identity": ["a"] * n, "commit_date": [T0] * n, "subject": [subject] * n,
    })


def test_new_warehouse_is_migrated_to_the_latest_version(tmp_path):
    path = tmp_path / "w.duckdb"
    with writer(path):
        pass
    with reader(path) as con:
        assert schema_version(con) == latest_version() >= 2
        names = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY version").fetchall()]
    assert names[0] == "0001_core.sql"


def test_reloading_a_batch_adds_no_duplicate_and_updates_in_place(tmp_path):
    path = tmp_path / "w.duckdb"
    with writer(path) as con:
        register_source(con, "git:r", "git", "/r")
        load_batch(con, "git:r", Batch({"commits": commits_frame(["s1", "s2"])}, cursor="s2"))
        load_batch(con, "git:r", Batch({"commits": commits_frame(["s2", "s2", "s3"], "edited")}, cursor="s3"))
    with reader(path) as con:
        rows = con.execute("SELECT sha, subject FROM commits ORDER BY sha").fetchall()
        cursor = con.execute("SELECT cursor FROM sources").fetchone()[0]
    assert rows == [("s1", "work"), ("s2", "edited"), ("s3", "edited")]
    assert cursor == "s3"


def test_replace_scope_deletes_before_insert(tmp_path):
    path = tmp_path / "w.duckdb"
    with writer(path) as con:
        register_source(con, "git:r", "git", "/r")
        load_batch(con, "git:r", Batch({"commits": commits_frame(["s1", "s2"])}))
        load_batch(con, "git:r", Batch({"commits": commits_frame(["s3"])}, replace={"commits": {"repo": "r"}}))
        assert con.execute("SELECT list(sha) FROM commits").fetchone()[0] == ["s3"]


def test_a_failing_batch_rolls_back_alone(tmp_path):
    path = tmp_path / "w.duckdb"
    with writer(path) as con:
        register_source(con, "git:r", "git", "/r")
        load_batch(con, "git:r", Batch({"commits": commits_frame(["s1"])}, cursor="s1"))
        bad = commits_frame(["s2"]).with_columns(pl.lit(None, pl.String).alias("author_identity"))
        with pytest.raises(duckdb.Error):
            load_batch(con, "git:r", Batch({"commits": bad}, cursor="s2"))
        assert con.execute("SELECT count(*), any_value(cursor) FROM commits, sources").fetchone() == (1, "s1")


def test_a_crash_during_collection_leaves_the_warehouse_as_it_was(tmp_path):
    path = tmp_path / "w.duckdb"
    with writer(path) as con:
        register_source(con, "git:r", "git", "/r")
        load_batch(con, "git:r", Batch({"commits": commits_frame(["s1"])}))
    before = path.read_bytes()
    with pytest.raises(RuntimeError):
        with writer(path) as con:
            load_batch(con, "git:r", Batch({"commits": commits_frame(["s2", "s3"])}))
            raise RuntimeError("collector crashed")
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.staging*"))
    with reader(path) as con:
        assert row_counts(con, ["commits"]) == {"commits": 1}


def test_unknown_columns_are_refused_naming_the_table(tmp_path):
    with writer(tmp_path / "w.duckdb") as con:
        register_source(con, "git:r", "git", "/r")
        with pytest.raises(WarehouseError, match="commits.*shoe_size"):
            load_batch(con, "git:r", Batch({"commits": commits_frame(["s1"]).with_columns(shoe_size=pl.lit(1))}))


def _hold_writer(path, ready, release):
    with writer(path):
        ready.set()
        release.wait(20)


def test_second_writer_gets_busy_error_and_readers_keep_reading(tmp_path):
    path = tmp_path / "w.duckdb"
    with writer(path) as con:
        register_source(con, "git:r", "git", "/r")
        load_batch(con, "git:r", Batch({"commits": commits_frame(["s1"])}))
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_writer, args=(path, ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        with pytest.raises(WarehouseBusyError, match="being written"):
            with writer(path):
                pass
        with reader(path) as con:  # the dashboard keeps serving during a collection
            assert con.execute("SELECT count(*) FROM commits").fetchone()[0] == 1
    finally:
        release.set()
        holder.join(20)
    assert holder.exitcode == 0


def test_reader_on_missing_warehouse_says_what_to_run(tmp_path):
    with pytest.raises(WarehouseError, match="healthdash demo"):
        with reader(tmp_path / "none.duckdb"):
            pass


def test_a_missing_lower_migration_is_still_applied(tmp_path):
    path = tmp_path / "w.duckdb"
    with writer(path) as con:
        con.execute("DROP TABLE feature_matrix")  # pretend 0001 lacked it ...
        con.execute("DELETE FROM schema_migrations WHERE version = 1")  # ... and was never recorded
        with pytest.raises(duckdb.Error):
            con.execute("SELECT 1 FROM feature_matrix")
    with pytest.raises(duckdb.Error):  # re-running 0001 on a warehouse that has its tables fails loudly
        with writer(path):
            pass
    with reader(path) as con:
        assert con.execute("SELECT count(*) FROM schema_migrations WHERE version = 1").fetchone()[0] == 0


def test_a_rescan_that_fails_half_way_is_redone_in_full_next_time(tmp_path):
    path = tmp_path / "w.duckdb"
    with writer(path) as con:
        register_source(con, "git:r", "git", "/r")
        load_batch(con, "git:r", Batch({"commits": commits_frame(["s1", "s2"])}, cursor="s2"))
        # the re-scan's first batch replaces the repo's rows; the run then dies
        load_batch(con, "git:r", Batch({"commits": commits_frame(["s1"])}, replace={"commits": {"repo": "r"}}))
        assert con.execute("SELECT cursor FROM sources").fetchone()[0] is None
        load_batch(con, "git:r", Batch({"commits": commits_frame(["s9"])}, cursor="s9"))
        assert con.execute("SELECT cursor FROM sources").fetchone()[0] == "s9"


def test_kept_catalog_answers_follow_the_connection_and_schema_changes(tmp_path):
    """The loader keeps one connection's column lists (each catalog query ~3 ms per table per batch);
    another connection, a migration or a derived-table rebuild must never see stale ones."""
    from healthdash.warehouse.derived import refresh
    from healthdash.warehouse.load import primary_key, table_columns

    first = duckdb.connect(str(tmp_path / "a.duckdb"))
    second = duckdb.connect(str(tmp_path / "b.duckdb"))
    first.execute("CREATE TABLE t (k VARCHAR PRIMARY KEY, a INTEGER)")
    second.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, b VARCHAR, c VARCHAR)")
    assert table_columns(first, "t") == ["k", "a"] and primary_key(first, "t") == ["k"]
    assert table_columns(second, "t") == ["id", "b", "c"] and primary_key(second, "t") == ["id"]
    assert table_columns(first, "t") == ["k", "a"]
    with writer(tmp_path / "w.duckdb") as con:
        con.execute("CREATE TABLE extra (k VARCHAR PRIMARY KEY)")
        assert table_columns(con, "extra") == ["k"]
        con.execute("ALTER TABLE extra ADD COLUMN added INTEGER")
        refresh(con)   # a rebuild forgets what was kept
        assert table_columns(con, "extra") == ["k", "added"]
    first.close()
    second.close()
