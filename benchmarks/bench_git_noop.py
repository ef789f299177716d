"""No-op re-collect: many small real git repositories, nothing new in any of them.

Part of ``bench_git.py``.  Builds (once, cached under the work folder) ``count``
bare repositories of 3 commits each with ``git init`` + ``git fast-import``, a
settings file listing them, and a warehouse collected from them.  Then prints,
as medians: a re-collect of all of them (total and per repository) against
``git rev-parse`` of one repository (the least a check can cost), the same for
one large repository, and once, for comparison, the run that opens the writer
anyway (staging copy, sync, rebuild, swap) as every run did before.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from collectors.git import git_env
from healthdash import collect_noop
from healthdash.collect import collect, configured_sources, git_source
from healthdash.settings import Settings, load_settings


def _make_repo(root: Path, index: int) -> None:
    repo = root / f"r{index:05d}.git"
    if (repo / "done").exists():
        return
    subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=main", str(repo)], check=True, env=git_env())
    who = f"Dev {index % 97} <dev{index % 97}@org{index % 13}.example>"
    stream = "".join(
        f"commit refs/heads/main\nmark :{n + 1}\nauthor {who} {1_600_000_000 + index * 1000 + n} +0000\n"
        f"committer {who} {1_600_000_000 + index * 1000 + n} +0000\ndata 9\nchange {n}\n"
        + (f"from :{n}\n" if n else "") + f"M 100644 inline src/m{n}.py\ndata 11\nvalue = {n:02d}\n\n"
        for n in range(3))
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], input=stream.encode(), check=True,
                   env=git_env())
    (repo / "done").write_text("ok\n")


def build(workdir: Path, count: int) -> Path:
    """The settings file of ``count`` small repositories, collected once (cached)."""
    root = workdir / f"noop-{count}"
    config = root / "healthdash.toml"
    if (root / "collected").exists():
        return config
    (root / "repos").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda i: _make_repo(root / "repos", i), range(count)))
    names = [f"r{i:05d}" for i in range(count)]
    config.write_text('warehouse = "w.duckdb"\n[[teams]]\nname = "T"\n'
                      f'projects = [{{ name = "p", repos = [{", ".join(repr(n).replace(chr(39), chr(34)) for n in names)}] }}]\n'
                      + "".join(f'[repos.{n}]\npath = "repos/{n}.git"\n' for n in names))
    settings = load_settings(config)
    failed = [r for r in collect(settings, configured_sources(settings)) if r.error]
    if failed:
        raise SystemExit(f"first collection failed: {failed[0].error}")
    (root / "collected").write_text("ok\n")
    print(f"built and collected {count} repositories in {time.perf_counter() - started:.0f} s", flush=True)
    return config


def _rev_parse(repo: Path, runs: int = 20) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _timed(settings: Settings, specs, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        results = collect(settings, specs)
        times.append(time.perf_counter() - started)
        if any(r.error for r in results) or not all(r.up_to_date for r in results):
            raise SystemExit("the no-op re-collect was not a no-op")
    return statistics.median(times)


def run(workdir: Path, count: int, repeat: int, large_repo: Path) -> None:
    config = build(workdir, count)
    settings = load_settings(config)
    specs = configured_sources(settings)
    rev_parse = _rev_parse(config.parent / "repos" / "r00000.git")
    warehouse = settings.warehouse
    mtime = warehouse.stat().st_mtime_ns
    total = _timed(settings, specs, repeat)
    untouched = "untouched" if warehouse.stat().st_mtime_ns == mtime else "REWRITTEN"
    print(f"no-op re-collect, {count} repositories: {total:7.2f} s total, {total / count * 1000:6.1f} ms per "
          f"repository (target <= 60 s, <= 300 ms); git rev-parse {rev_parse * 1000:.1f} ms, RATIO per repository "
          f"{total / count / rev_parse:.1f}x rev-parse; warehouse file {untouched} (median of {repeat})", flush=True)
    real = collect_noop.up_to_date
    collect_noop.up_to_date = lambda *args, **kwargs: None    # the run every re-collect was before
    try:
        started = time.perf_counter()
        collect(settings, specs)
        before = time.perf_counter() - started
    finally:
        collect_noop.up_to_date = real
    print(f"  the same run opening the writer anyway (as before): {before:7.2f} s, RATIO {before / total:.1f}x "
          "the no-op", flush=True)
    one = Settings(path=None, warehouse=workdir / "noop-large.duckdb")
    source = [git_source("synthetic", str(large_repo), branch="main")]
    collect(one, source)
    large = _timed(one, source, repeat)
    print(f"no-op re-collect, one {large_repo.name}: {large * 1000:6.0f} ms, RATIO {large / rev_parse:.1f}x "
          "git rev-parse (target <= 300 ms)", flush=True)
