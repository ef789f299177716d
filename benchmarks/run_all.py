"""Every speed benchmark in one command, each figure printed with its ratio to a same-run baseline.

1. the warehouse: ``generate_warehouse.py`` at ``--scale`` (1.0 = 1,050,000 commits, 300,000
   changes, ~2M review votes, 200,000 bugs), reused when ``--warehouse`` already exists;
2. every chart and KPI of every page, default and narrow filters, metric and figure apart
   (``bench_charts.py``; baseline: monthly commits from the plain table);
3. each page's first full render in headless Chromium, cold and warm, its server time and
   callback round trips, then 20 concurrent clients (``bench_pages.py``; baselines: the 404
   page's render, one client);
4. the derived tables' rebuild at the end of a collection against a plain copy of the file;
5. git collection against raw ``git log --numstat`` and PyDriller (when installed), the
   no-op re-collect per repository and peak RSS (``bench_git.py``);
6. ``export-warehouse --parquet``: export time against DuckDB's own ``EXPORT DATABASE``, size
   against the DuckDB file, reading commits back against the table (``bench_parquet.py``).

Not part of the test run (no timing asserts there); the machine's load is printed first
because every figure depends on it.  Usage:

    .venv/bin/python benchmarks/run_all.py [--warehouse /tmp/healthdash-bench.duckdb] [--scale 1.0]
        [--runs 3] [--clients 20] [--seconds 20] [--git-commits 12000] [--skip pages,git,parquet]
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_charts  # noqa: E402
import bench_git  # noqa: E402
import bench_parquet  # noqa: E402
import generate_warehouse  # noqa: E402
from bench_warehouse import derived_ms  # noqa: E402

say = functools.partial(print, flush=True)


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs, {memory:.0f} GiB, load average {load}"


def section(title: str) -> None:
    say(f"\n== {title} ({time.strftime('%H:%M:%S')}, {machine()})")


def derived(warehouse: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.duckdb"
        started = time.perf_counter()
        shutil.copyfile(warehouse, copy)
        copy_ms = (time.perf_counter() - started) * 1000
        say(f"plain copy of the warehouse file (baseline): {copy_ms:8.0f} ms")
        for name, ms in derived_ms(copy).items():
            say(f"  rebuild derived/{name:<26}: {ms:8.0f} ms  ratio {ms / copy_ms:.2f}x")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=Path(tempfile.gettempdir()) / "healthdash-bench.duckdb")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--git-commits", type=int, default=12_000)
    parser.add_argument("--skip", default="", help="comma-separated: charts, pages, derived, git, parquet")
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    section("warehouse")
    if not args.warehouse.exists():
        started = time.perf_counter()
        counts = generate_warehouse.generate(args.warehouse, args.scale, log=say)
        say(f"generated in {time.perf_counter() - started:.0f} s: {counts}")
    say(f"{args.warehouse} ({args.warehouse.stat().st_size / 1e6:,.0f} MB)")
    if "charts" not in skip:
        section("every chart and KPI: metric + figure, cold")
        bench_charts.run(args.warehouse, args.runs, out=say)
    if "pages" not in skip:
        import bench_pages  # noqa: PLC0415 - needs selenium and chromium

        section("pages in headless Chromium and concurrent clients")
        bench_pages.run(args.warehouse, args.clients, args.seconds, out=say)
    if "derived" not in skip:
        section("derived tables rebuilt at the end of a collection")
        derived(args.warehouse)
    if "git" not in skip:
        section("git collection")
        bench_git.main(["--commits", str(args.git_commits), "--repeat", str(args.runs)])
    if "parquet" not in skip:
        section("export-warehouse --parquet")
        with tempfile.TemporaryDirectory() as tmp:
            bench_parquet.run(args.warehouse, Path(tmp) / "export", args.runs)


if __name__ == "__main__":
    main()
