"""Repositories read ahead by threads (``workers`` > 1) load exactly as one after another.

Real repositories in tmp dirs, collected through the real runner twice (``workers = 1``,
the sequential path, and ``workers = 2``, read ahead by :mod:`healthdash.collect_ahead`),
compared table by table (EXCEPT ALL both ways, every row of every table) along with the
outcomes and every progress call in its order.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from faults.warehouse_dump import differences, dump
from gitrepo import add_commits, git, make_repo
from healthdash.collect import Reporter, collect, git_source
from healthdash.settings import Settings
from test_git_split import HISTORY, _alive, _descendants, _except_all, _read

#: five repositories: two with merges, renames, binaries (HISTORY), three plain ones of different lengths
SHAPES = {"alpha": HISTORY, "beta": HISTORY[:3], "gamma": HISTORY[7:19], "delta": HISTORY[:12],
          "epsilon": HISTORY[7:9]}


class Recorder(Reporter):
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def start(self, spec):
        self.calls.append(("start", spec.source_id))

    def advance(self, spec, items=0, message=None):
        self.calls.append(("advance", spec.source_id, items, message))

    def finish(self, spec, result):
        self.calls.append(("finish", spec.source_id, result.rows, result.error))


def _repos(tmp_path: Path) -> dict[str, Path]:
    return {name: make_repo(tmp_path, history, name=name) for name, history in SHAPES.items()}


def _specs(repos: dict[str, Path], workers: int, **extra) -> list:
    specs = [git_source(name, str(path)) for name, path in repos.items()]
    return [replace(s, options={**s.options, "workers": workers, **extra}) for s in specs]


def _run(warehouse: Path, specs, full: bool = False):
    recorder = Recorder()
    results = collect(Settings(path=None, warehouse=warehouse), specs, reporter=recorder, full=full)
    return [(r.source_id, r.rows, r.error) for r in results], recorder.calls


def _assert_same(left: Path, right: Path) -> dict:
    compared = _except_all(left, right)
    assert all(a == b == 0 for _, a, b in compared.values()), compared
    assert differences(dump(left), dump(right)) == []
    return compared


def test_read_ahead_loads_exactly_what_one_after_another_loads(tmp_path):
    repos = _repos(tmp_path)
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    outcomes_one, calls_one = _run(one, _specs(repos, 1))
    outcomes_two, calls_two = _run(two, _specs(repos, 2))
    assert outcomes_two == outcomes_one and all(error is None for _, _, error in outcomes_one)
    assert calls_two == calls_one            # same starts, advances, messages and finishes, same order
    assert [c[1] for c in calls_one if c[0] == "start"] == [f"git:{n}" for n in SHAPES]
    compared = _assert_same(one, two)
    # commits: alpha 27 (26 + 1 merge), beta 3, gamma 12, delta 12 (11 + the merge), epsilon 2
    assert compared["commits"][0] == 27 + 3 + 12 + 12 + 2
    # incremental run: new commits in two repositories, read ahead from their stored cursors
    add_commits(repos["beta"], HISTORY[3:5])
    add_commits(repos["epsilon"], HISTORY[9:12])
    again_one, _ = _run(one, _specs(repos, 1))
    again_two, _ = _run(two, _specs(repos, 2))
    assert again_one == again_two
    assert _assert_same(one, two)["commits"][0] == 56 + 2 + 3


def test_large_histories_keep_the_split_path_among_read_ahead_ones(tmp_path):
    repos = _repos(tmp_path)
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    outcomes_one, calls_one = _run(one, _specs(repos, 1))
    # split_min_commits = 12: alpha (27) and delta (12) are split in the main flow, the others read ahead
    outcomes_two, calls_two = _run(two, _specs(repos, 2, split_min_commits=12))
    assert outcomes_two == outcomes_one
    # a split history advances once per slice (27 = 14 + 13): same starts and finishes, same totals
    assert [c for c in calls_two if c[0] != "advance"] == [c for c in calls_one if c[0] != "advance"]
    for name in SHAPES:
        assert sum(c[2] for c in calls_two if c[:2] == ("advance", f"git:{name}")) == \
            sum(c[2] for c in calls_one if c[:2] == ("advance", f"git:{name}"))
    _assert_same(one, two)


def _break_old_blob(repo: Path) -> None:
    """Delete the loose object of the root commit's a.txt: a full ``git log --numstat`` dies on it."""
    root = git(repo, "rev-list", "--max-parents=0", "HEAD").split()[0]
    sha = git(repo, "rev-parse", f"{root}:a.txt").strip()
    (repo / ".git" / "objects" / sha[:2] / sha[2:]).unlink()


def test_a_failing_repository_in_the_middle_rolls_back_only_itself(tmp_path):
    repos = _repos(tmp_path)
    warehouse = tmp_path / "w.duckdb"
    first, _ = _run(warehouse, _specs(repos, 2))
    assert all(error is None for _, _, error in first)
    before = dump(warehouse)
    add_commits(repos["beta"], HISTORY[3:5])           # new rows for the neighbours
    add_commits(repos["gamma"], HISTORY[19:21])
    _break_old_blob(repos["alpha"])                     # git log dies part-way through alpha
    not_a_repo = tmp_path / "plain"
    not_a_repo.mkdir()
    specs = _specs(repos, 2)
    specs.insert(3, replace(git_source("plain", str(not_a_repo)), options={"repo": "plain", "workers": 2}))
    outcomes, calls = _run(warehouse, specs, full=True)
    errors = {source: error for source, _, error in outcomes}
    assert "git log failed" in errors["git:alpha"] and str(repos["alpha"]) in errors["git:alpha"]
    assert "is not a git repository" in errors["git:plain"]
    assert [s for s, e in errors.items() if e is None] == ["git:beta", "git:gamma", "git:delta", "git:epsilon"]
    assert [c[1] for c in calls if c[0] == "start"] == [s.source_id for s in specs]
    after = dump(warehouse)
    # alpha kept exactly its old rows; beta 3 + 2 and gamma 12 + 2 commits now
    assert sorted(r for r in after["commits"] if "alpha" in r) == sorted(r for r in before["commits"] if "alpha" in r)
    counts = {name: sum(name in row for row in after["commits"]) for name in SHAPES}
    assert counts == {"alpha": 27, "beta": 5, "gamma": 14, "delta": 12, "epsilon": 2}


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_while_reading_ahead_leaves_no_process_and_the_warehouse_unchanged(tmp_path, signum):
    names = [f"r{i:02d}" for i in range(24)]
    for name in names:
        make_repo(tmp_path, HISTORY[:8], name=name)
    config = tmp_path / "healthdash.toml"
    config.write_text('warehouse = "w.duckdb"\n[collect]\nworkers = 2\n[[teams]]\nname = "T"\n'
                      f'projects = [{{ name = "p", repos = [{", ".join(chr(34) + n + chr(34) for n in names)}] }}]\n'
                      + "".join(f'[repos.{n}]\npath = "{tmp_path / n}"\n' for n in names))
    cli = [sys.executable, "-m", "healthdash.cli", "collect", "--config", str(config)]
    assert subprocess.run([*cli, "r00"], capture_output=True, cwd=tmp_path).returncode == 0
    live = tmp_path / "w.duckdb"
    before = live.read_bytes()
    process = subprocess.Popen(cli, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:   # wait for a read-ahead git log of a later repo
        children = _descendants(process.pid)
        commands = [_read(f"/proc/{c}/cmdline") for c in children]
        if any(b"--numstat" in c and any(str(tmp_path / n).encode() + b"\0" in c for n in names[3:])
               for c in commands):
            break
        time.sleep(0.005)
    assert process.poll() is None, "the collection ended before a read-ahead git log was seen"
    children = _descendants(process.pid) | children
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.05)
    assert [pid for pid in children if _alive(pid)] == []     # no git left behind
    assert live.read_bytes() == before
    if signum == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM, stderr.decode()[-3000:]
        assert not (tmp_path / "w.duckdb.staging").exists()
