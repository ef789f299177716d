"""The first large history's workers start before the warehouse is opened (head start),
and start light (no polars in a worker).

Real repositories and real worker processes: :func:`healthdash.collect_ahead.head_start`
starts the split workers of the first source with the cursor a read-only look finds,
:func:`~healthdash.collect_ahead.matching` keeps them only when the writer's own
cursor is the same, and every path stops the processes it started.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from collectors.git import collect as git_collect
from collectors.gitlog import COMMIT_SCHEMA, FILE_SCHEMA, IDENTITY_SCHEMA
from collectors.gitparse import COMMIT_COLUMNS, FILE_COLUMNS, IDENTITY_COLUMNS
from collectors.gitsplit import read_split
from gitrepo import add_commits, head, make_repo
from healthdash.collect import collect, git_source
from healthdash.collect_ahead import head_start, matching, stored_cursor
from healthdash.errors import WarehouseError
from healthdash.settings import Settings
from test_git_split import HISTORY, _alive, _descendants, _read


def _spec(path: Path, name: str = "r", **options):
    spec = git_source(name, str(path))
    return replace(spec, options={**spec.options, "workers": 2, "split_min_commits": 1, **options})


def _workers() -> set[int]:
    return {pid for pid in _descendants(os.getpid()) if b"collectors.gitsplit" in _read(f"/proc/{pid}/cmdline")}


def _all_gone(pids: set[int]) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.05)
    return not any(_alive(pid) for pid in pids)


def test_workers_start_before_any_warehouse_exists_and_stop_when_dropped(tmp_path):
    repo = make_repo(tmp_path, HISTORY)
    warehouse = tmp_path / "w.duckdb"
    started = head_start(warehouse, [_spec(repo)], full=False, since=None)
    assert isinstance(started.history, read_split) and started.since is None and started.head == head(repo)
    assert not warehouse.exists()
    running = _workers()
    assert len(running) == 2                 # one worker per slice, reading already
    assert matching(started, "0" * 40) is None      # another run moved the cursor meanwhile: dropped
    assert _all_gone(running)


def test_no_head_start_for_small_histories_urls_or_one_worker(tmp_path):
    repo = make_repo(tmp_path, HISTORY[:3])
    warehouse = tmp_path / "w.duckdb"
    assert head_start(warehouse, [_spec(repo, split_min_commits=50)], full=False, since=None) is None
    assert head_start(warehouse, [_spec(repo, workers=1)], full=False, since=None) is None
    url = replace(_spec(repo), location="https://git.example/r.git")
    assert head_start(warehouse, [url], full=False, since=None) is None
    missing = _spec(tmp_path / "nowhere")
    assert head_start(warehouse, [missing], full=False, since=None) is None   # the main flow reports it
    assert _workers() == set()


def test_head_start_reads_from_the_stored_cursor_and_loads_like_the_main_flow(tmp_path):
    repo = make_repo(tmp_path, HISTORY[:10])
    warehouse = tmp_path / "w.duckdb"
    settings = Settings(path=None, warehouse=warehouse)
    assert stored_cursor(warehouse, "git:r") == (True, None)        # no warehouse yet: a full run
    [result] = collect(settings, [_spec(repo)])
    assert result.error is None
    first = head(repo)
    assert stored_cursor(warehouse, "git:r") == (True, first)
    add_commits(repo, HISTORY[10:])          # 17 new commits (HISTORY has 27 in all)
    started = head_start(warehouse, [_spec(repo)], full=False, since=None)
    assert started.since == first and started.revs == [f"{first}..{head(repo)}"]
    assert matching(started, first) is started
    batches = list(git_collect(_spec(repo), first, started=started))
    # two slices (9 + 8 commits): the first is handed over as soon as it is read, without
    # the cursor; the last carries the cursor and the head's content
    assert [b.frames["commits"].height for b in batches] == [9, 8]
    assert [b.cursor for b in batches] == [None, head(repo)]
    assert "repo_content" in batches[-1].frames and "repo_content" not in batches[0].frames
    assert _workers() == set()


def test_an_unreadable_warehouse_means_no_head_start(tmp_path):
    repo = make_repo(tmp_path, HISTORY)
    warehouse = tmp_path / "w.duckdb"
    warehouse.write_text("not a database\n")
    assert stored_cursor(warehouse, "git:r") == (False, None)
    assert head_start(warehouse, [_spec(repo)], full=False, since=None) is None
    # --full needs no cursor: the workers start even so, and are stopped when the writer refuses the file
    started = head_start(warehouse, [_spec(repo)], full=True, since=None)
    assert started is not None
    running = _workers()
    started.close()
    assert len(running) == 2 and _all_gone(running)
    with pytest.raises(WarehouseError, match="cannot open"):
        collect(Settings(path=None, warehouse=warehouse), [_spec(repo)], full=True)
    assert _workers() == set()
    assert warehouse.read_text() == "not a database\n"


def test_a_split_worker_loads_no_polars_and_its_columns_name_the_frames_columns():
    # the worker's whole import chain; polars would cost each worker ~0.2 CPU-seconds of start-up
    done = subprocess.run([sys.executable, "-c", "import sys, collectors.gitsplit_worker; "
                           "print('polars' in sys.modules)"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    assert tuple(COMMIT_SCHEMA) == COMMIT_COLUMNS and tuple(FILE_SCHEMA) == FILE_COLUMNS
    assert tuple(IDENTITY_SCHEMA) == IDENTITY_COLUMNS
