"""Benchmark: reading a repository's content (code windows, manifests, conventions) vs git alone.

Target (issue 10): a 1,000-file repository's content is read "in seconds".
Builds (once, cached under ``--workdir``) a repository of ``--files`` Python
files of 40-400 lines each, written by the demo's code generator (varied
shapes, like real code), plus manifests and a few convention files, in one
commit.  Then, interleaved ``--repeat`` times, best of each:

1. baseline: ``git ls-tree -r`` and one ``git cat-file --batch`` of every blob
   (what any content reader must pay), output kept in memory;
2. ``collectors.repo_content.read_content`` (the same git reads, then
   normalised windows hashed, imports, manifests parsed, conventions run);
3. the same plus bulk-loading its frames into a fresh migrated DuckDB
   warehouse (``INSERT ... SELECT`` from Arrow).

Prints the timings, the ratios to the baseline, the number of windows and the
machine's load average (timings need idle cores to mean anything).

Usage: ``.venv/bin/python benchmarks/bench_code_windows.py [--files 1000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb

from collectors.repo_content import list_tree, read_blobs, read_content
from healthdash.demo.content import code_block, python_header, test_block
from healthdash.warehouse.load import upsert
from healthdash.warehouse.migrate import migrate


def build_repo(path: Path, files: int, seed: int = 7) -> Path:
    """A one-commit repository of ``files`` Python files (cached: built once per size)."""
    if (path / ".git").exists():
        return path
    rng = random.Random(seed)
    path.mkdir(parents=True)
    for index in range(files):
        package = f"pkg{index % 20}"
        name = f"{package}/tests/test_mod{index}.py" if index % 4 == 0 else f"{package}/mod{index}.py"
        body = (test_block if "/tests/" in name else code_block)(rng, rng.randint(40, 400))
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text("\n".join(python_header() + body) + "\n")
    (path / "requirements.txt").write_text("pbr>=5.8.0\nrequests>=2.25.1\ncommon.config>=9.0.0\n")
    (path / "README.rst").write_text("Synthetic\n")
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "import"]):
        subprocess.run(["git", "-C", str(path), *args], check=True, env=env)
    return path


def git_only(path: Path) -> int:
    entries = list_tree(path, "HEAD")
    blobs = read_blobs(path, [sha for sha, _, _ in entries])
    return sum(len(b) for b in blobs.values())


def content_only(path: Path) -> int:
    content = read_content(path, "bench", "HEAD", None, {"config_library": "common.config"})
    return content.frames["code_windows"].height


def content_and_load(path: Path) -> int:
    content = read_content(path, "bench", "HEAD", None, {"config_library": "common.config"})
    con = duckdb.connect()
    migrate(con)
    rows = sum(upsert(con, table, frame) for table, frame in content.frames.items())
    con.close()
    return rows


def best(func, path: Path, runs: list[float]) -> int:
    start = time.perf_counter()
    result = func(path)
    runs.append(time.perf_counter() - start)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "healthdash-bench-windows"))
    args = parser.parse_args()
    repo = build_repo(Path(args.workdir) / f"repo-{args.files}", args.files)
    timings: dict[str, list[float]] = {"git": [], "content": [], "content+load": []}
    for _ in range(args.repeat):
        size = best(git_only, repo, timings["git"])
        windows = best(content_only, repo, timings["content"])
        rows = best(content_and_load, repo, timings["content+load"])
    base = min(timings["git"])
    print(f"repository: {args.files} Python files, {size / 1e6:.1f} MB of blobs; {windows:,} windows; "
          f"{rows:,} rows loaded; load average {os.getloadavg()[0]:.2f}")
    for name, runs in timings.items():
        print(f"{name:>13}: best {min(runs):.3f} s  ({min(runs) / base:.1f}x git ls-tree + cat-file --batch)")


if __name__ == "__main__":
    main()
