"""First collection of many small repositories: one after another vs read ahead.

Part of ``bench_git.py``.  Reuses ``bench_git_noop.py``'s cached small repositories
(3 commits each) and settings file, and collects them into a fresh warehouse with
``workers = 1`` (the baseline: each repository read, then loaded) and
``workers = N`` (the next repositories read by threads while the main thread loads,
:mod:`healthdash.collect_ahead`).  Prints the medians, their ratio and the load
average (the figures depend on it).  Standalone:

    .venv/bin/python benchmarks/bench_git_repos.py [--repos 200] [--repeat 3] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_git_noop  # noqa: E402
from healthdash.collect import collect, configured_sources  # noqa: E402
from healthdash.settings import load_settings  # noqa: E402


def _first_collection(settings, specs, workers: int, repeat: int) -> float:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(repeat):
            fresh = replace(settings, warehouse=Path(tmp) / f"w{workers}-{run}.duckdb")
            started = time.perf_counter()
            results = collect(fresh, specs, workers=workers)
            times.append(time.perf_counter() - started)
            failed = [r for r in results if r.error]
            if failed or sum(r.rows for r in results) == 0:
                raise SystemExit(f"the collection failed: {failed[0].error if failed else 'no rows'}")
    return statistics.median(times)


def run(workdir: Path, count: int, repeat: int, workers: int) -> None:
    settings = load_settings(bench_git_noop.build(workdir, count))
    specs = configured_sources(settings)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    sequential = _first_collection(settings, specs, 1, repeat)
    ahead = _first_collection(settings, specs, workers, repeat)
    after = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"first collection, {count} small repositories: workers=1 {sequential:6.2f} s "
          f"({sequential / count * 1000:5.1f} ms each), workers={workers} read ahead {ahead:6.2f} s "
          f"({ahead / count * 1000:5.1f} ms each), RATIO {ahead / sequential:.2f}x "
          f"(median of {repeat}; load average {load} before, {after} after)", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "healthdash-bench-git")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    run(args.workdir, args.repos, args.repeat, args.workers)


if __name__ == "__main__":
    main()
