"""``export-warehouse --parquet`` at full scale: export time and size, and reading commits back.

Every figure is printed with its ratio to a baseline measured in the same run:

* export (every table, Hive-partitioned by year, through DuckDB ``COPY``) against a plain
  copy of the warehouse file (the least any export costs: reading the bytes once);
* the Parquet folder's size against the DuckDB file's;
* reading all commits back into Arrow with plain ``read_parquet(..., hive_partitioning = true)``
  against reading the ``commits`` table from the DuckDB file, and one year of commits (the
  partition pruned to one folder) against the same filter on the table.

The warehouse is only read (the export opens it read-only).  Not part of the test run.  Usage:

    .venv/bin/python benchmarks/bench_parquet.py /tmp/full.duckdb [--out DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import functools
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from healthdash.warehouse.parquet_export import export_warehouse  # noqa: E402

say = functools.partial(print, flush=True)


def _seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _median(action, runs: int) -> float:
    return statistics.median(_seconds(action) for _ in range(runs))


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _native_export(warehouse: Path, folder: Path) -> None:
    con = duckdb.connect()
    con.execute(f"ATTACH '{warehouse}' AS wh (READ_ONLY)")
    con.execute(f"EXPORT DATABASE wh TO '{folder}' (FORMAT parquet)")
    con.close()


def run(warehouse: Path, out: Path, runs: int) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bench-parquet-", dir=out.parent))
    try:
        copy_s = _seconds(lambda: shutil.copyfile(warehouse, scratch / "copy.duckdb"))
        (scratch / "copy.duckdb").unlink()
        say(f"plain copy of the warehouse file (baseline): {copy_s:8.1f} s")
        native_s = _seconds(lambda: _native_export(warehouse, scratch / "native"))
        say(f"DuckDB EXPORT DATABASE (FORMAT parquet), no partitions nor privacy filter (baseline 2): "
            f"{native_s:.1f} s")
        shutil.rmtree(out, ignore_errors=True)
        per_table, last = {}, [time.perf_counter()]

        def lap(table: str, _rows: int) -> None:
            now = time.perf_counter()
            per_table[table], last[0] = now - last[0], now

        def start(_tables: list[str]) -> None:
            last[0] = time.perf_counter()

        export_s = _seconds(lambda: export_warehouse(warehouse, out, on_start=start, on_table=lap))
        say(f"export-warehouse --parquet (every table)   : {export_s:8.1f} s  ratio {export_s / copy_s:.2f}x "
            f"the copy, {export_s / native_s:.2f}x EXPORT DATABASE")
        slowest = sorted(per_table.items(), key=lambda kv: -kv[1])[:4]
        say("  slowest: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest))
        db_bytes, pq_bytes = warehouse.stat().st_size, _size(out)
        say(f"DuckDB file (baseline)                     : {db_bytes / 1e6:8,.0f} MB")
        say(f"Parquet folder                             : {pq_bytes / 1e6:8,.0f} MB  ratio "
            f"{pq_bytes / db_bytes:.2f}x")
        commits_pq = f"read_parquet('{out}/commits/**/*.parquet', hive_partitioning = true)"
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"ATTACH '{warehouse}' AS wh (READ_ONLY)")
        rows = con.execute(f"SELECT count(*) FROM {commits_pq}").fetchall()[0][0]
        year = con.execute("SELECT max(year(author_date)) FROM wh.commits").fetchall()[0][0] - 1
        table_s = _median(lambda: con.sql("SELECT * FROM wh.commits").to_arrow_table(), runs)
        parquet_s = _median(lambda: con.sql(f"SELECT * EXCLUDE (year) FROM {commits_pq}").to_arrow_table(),
                            runs)
        say(f"all {rows:,} commits into Arrow, DuckDB table (baseline): {table_s * 1000:8.0f} ms")
        say(f"all commits into Arrow, read_parquet                  : {parquet_s * 1000:8.0f} ms  ratio "
            f"{parquet_s / table_s:.2f}x")
        one_table = _median(lambda: con.sql(
            "SELECT * FROM wh.commits WHERE author_date >= make_timestamptz(?, 1, 1, 0, 0, 0) AND "
            "author_date < make_timestamptz(?, 1, 1, 0, 0, 0)", params=[year, year + 1]).to_arrow_table(), runs)
        one_parquet = _median(lambda: con.sql(
            f"SELECT * EXCLUDE (year) FROM {commits_pq} WHERE year = ?", params=[year]).to_arrow_table(), runs)
        say(f"commits of {year}, DuckDB table (baseline)             : {one_table * 1000:8.0f} ms")
        say(f"commits of {year}, read_parquet (one partition)        : {one_parquet * 1000:8.0f} ms  ratio "
            f"{one_parquet / one_table:.2f}x")
        con.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "healthdash-bench-parquet")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    run(args.warehouse, args.out, args.runs)


if __name__ == "__main__":
    main()
