"""A history read in slices by worker processes gives exactly the rows of one ``git log`` run.

Every comparison collects the same real repository twice through the real
runner, once in one process (``workers = 1``) and once split into slices
(``split_min_commits = 1`` forces the split on these small histories), then
compares whole tables: EXCEPT ALL both ways on the git tables, and every row of
every other table (tests/faults/warehouse_dump.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from collectors.gitsplit import slices
from conftest import needs_shared
from faults.warehouse_dump import differences, dump
from gitrepo import add_commits, git, head, make_repo, reset_hard
from healthdash.collect import collect, git_source
from healthdash.settings import Settings

ADA = "Ada Lovelace <ada@vendor-a.example>"
BO = "Bö Chen <bo@vendor-b.example>"
TEN = "".join(f"line {i}\n" for i in range(1, 11))

#: merges, renames, a binary file, unicode names and paths, Co-Authored-By, a deletion
HISTORY = [
    {"author": ADA, "date": "2024-01-02T10:00:00+05:30", "files": {"a.txt": TEN, "logo.png": b"\x89PNG\x00\x01"},
     "message": "Add a\n\nCo-Authored-By: Cé Dee <ce@c.example>\nSigned-off-by: Ada Lovelace <ada@vendor-a.example>"},
    {"branch": "topic", "author": BO, "date": "2024-01-03T09:00:00-05:00", "files": {"ünï/日本.txt": "x\ny\n"}},
    {"author": BO, "date": "2024-01-03T10:00:00-05:00", "files": {"b.txt": "b\n"}},
    {"branch": "main", "author": ADA, "date": "2024-01-04T09:00:00Z", "files": {"c.txt": "c\n"}},
    {"merge": "topic", "author": ADA, "date": "2024-01-05T12:00:00+01:00"},
    {"renames": {"a.txt": "docs/a.txt"}, "files": {"docs/a.txt": TEN.replace("line 9", "line nine")},
     "date": "2024-01-06T08:00:00Z", "message": "Move a\n\nChange-Id: I0123456789abcdef0123456789abcdef01234567"},
    {"files": {"logo.png": b"\x89PNG\x00\x02\x03", "with space.txt": "s\n", "c.txt": None},
     "date": "2024-01-07T08:00:00Z", "author": "Zoë <ZOE@Example.org>"},
] + [{"files": {f"f{i % 3}.txt": f"{i}\n" * (i % 4 + 1)}, "date": f"2024-02-{i:02d}T08:00:00Z",
      "author": (ADA, BO, "zoe <zoe@example.org>")[i % 3]} for i in range(1, 21)]

GIT_TABLES = ("commits", "commit_files", "identities")


def _spec(path: Path, **options):
    spec = git_source("r", str(path))
    return replace(spec, options={**spec.options, **options})


def _collect(warehouse: Path, spec, since: str | None = None, full: bool = False):
    [result] = collect(Settings(path=None, warehouse=warehouse), [spec], since=since, full=full)
    assert result.error is None, result.error
    return result


def _except_all(left: Path, right: Path) -> dict[str, tuple[int, int, int]]:
    """table -> (rows, rows only left, rows only right), fetched_at left out."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{left}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{right}' AS b (READ_ONLY)")
        out = {}
        for table in GIT_TABLES:
            columns = ", ".join(f'"{c}"' for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = 'a' AND table_name = ? "
                "AND column_name <> 'fetched_at' ORDER BY column_index", [table]).fetchall())
            only = [con.execute(f"SELECT count(*) FROM (SELECT {columns} FROM {x}.{table} EXCEPT ALL "
                                f"SELECT {columns} FROM {y}.{table})").fetchone()[0] for x, y in (("a", "b"), ("b", "a"))]
            out[table] = (con.execute(f"SELECT count(*) FROM a.{table}").fetchone()[0], *only)
        return out
    finally:
        con.close()


def assert_same(single: Path, split: Path) -> dict[str, tuple[int, int, int]]:
    compared = _except_all(single, split)
    assert all(only_left == only_right == 0 for _, only_left, only_right in compared.values()), compared
    assert differences(dump(single), dump(split)) == []
    return compared


def test_slices_are_contiguous_and_cover_every_sha():
    shas = [f"{i:040x}" for i in range(10)]
    # 10 shas in 3 slices: 4 + 3 + 3, in order
    assert slices(shas, 3) == [shas[:4], shas[4:7], shas[7:]]
    assert slices(shas[:2], 4) == [shas[:1], shas[1:2]]       # never an empty slice
    assert slices(shas, 1) == [shas]


@pytest.mark.parametrize("workers", [2, 3])
def test_split_rows_equal_single_process_rows(tmp_path, workers):
    repo = make_repo(tmp_path, HISTORY)
    single, split = tmp_path / "single.duckdb", tmp_path / "split.duckdb"
    _collect(single, _spec(repo, workers=1))
    _collect(split, _spec(repo, workers=workers, split_min_commits=1))
    compared = assert_same(single, split)
    # 27 commits (26 + 1 merge); files: C1 2, topic 1 + 1, c 1, rename 1, last 3 (logo, space, c deleted), 20 others
    assert compared["commits"][0] == 27 and compared["commit_files"][0] == 2 + 1 + 1 + 1 + 1 + 3 + 20
    # Ada, Bö, Cé (co-author), Zoë, zoe, Test Author (the rename has no author): 6 (name, email) identities
    assert compared["identities"][0] == 6


def test_incremental_and_rewritten_histories_split_like_single(tmp_path):
    repo = make_repo(tmp_path, HISTORY[:10])
    first = head(repo)
    single, split = tmp_path / "single.duckdb", tmp_path / "split.duckdb"
    for warehouse, options in ((single, {"workers": 1}), (split, {"workers": 2, "split_min_commits": 1})):
        _collect(warehouse, _spec(repo, **options))
    add_commits(repo, HISTORY[10:])                       # since..head: 17 new commits
    for warehouse, options in ((single, {"workers": 1}), (split, {"workers": 2, "split_min_commits": 1})):
        _collect(warehouse, _spec(repo, **options))
    assert_same(single, split)
    reset_hard(repo, first)                                # rewritten: dropped commits must vanish
    add_commits(repo, [{"files": {"new.txt": "n\n"}, "date": "2024-03-01T08:00:00Z"}])
    for warehouse, options in ((single, {"workers": 1}), (split, {"workers": 2, "split_min_commits": 1})):
        _collect(warehouse, _spec(repo, **options))
    assert assert_same(single, split)["commits"][0] == 11


@needs_shared
@pytest.mark.parametrize("name", ["oslo.i18n", "python-swiftclient"])
def test_split_equals_single_on_the_real_bundles(tmp_path, openstack_clones, name):
    single, split = tmp_path / "single.duckdb", tmp_path / "split.duckdb"
    _collect(single, _spec(openstack_clones[name], workers=1))
    _collect(split, _spec(openstack_clones[name], workers=2, split_min_commits=1))
    compared = assert_same(single, split)
    # independent count: git itself
    count = int(git(openstack_clones[name], "rev-list", "--count", "HEAD"))
    assert compared["commits"][0] == count


def test_a_worker_whose_git_log_dies_leaves_the_repository_as_it_was(tmp_path):
    repo = make_repo(tmp_path, HISTORY)
    warehouse = tmp_path / "w.duckdb"
    _collect(warehouse, _spec(repo, workers=1))
    before = dump(warehouse)
    # a blob that only an old commit needs disappears: that slice's `git log --numstat` fails part-way
    git(repo, "repack", "-adq")
    root = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    blob = git(repo, "rev-parse", f"{root}:a.txt").strip()
    pack = next((repo / ".git/objects/pack").glob("*.pack"))
    objects = git(repo, "cat-file", "--batch-all-objects", "--batch-check")
    kept = "\n".join(line.split()[0] for line in objects.splitlines() if not line.startswith(blob)) + "\n"
    git(repo, "pack-objects", "-q", str(repo / ".git/objects/pack/new"), stdin=kept)
    for old in pack.parent.glob(pack.stem + ".*"):
        old.unlink()
    [result] = collect(Settings(path=None, warehouse=warehouse),
                       [_spec(repo, workers=2, split_min_commits=1)], full=True)
    assert result.error and "git log failed" in result.error and str(repo) in result.error
    assert differences(dump(warehouse), before) == []


def _read(path: str) -> bytes:
    """A /proc file, or b"" when the process is gone meanwhile (short-lived git commands come and go)."""
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            for child in map(int, _read(f"{task}/children").split()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _alive(pid: int) -> bool:
    stat = _read(f"/proc/{pid}/stat")
    return bool(stat) and stat.rsplit(b")", 1)[1].split()[0] != b"Z"


def _big_repo(tmp_path: Path, commits: int) -> Path:
    """``commits`` commits of 40 small files each, written with git fast-import (fast to build, slow to log)."""
    repo = tmp_path / "big"
    git(tmp_path, "init", "-q", "--initial-branch=main", str(repo))
    stream = []
    for n in range(1, commits + 1):
        stream.append(f"commit refs/heads/main\nmark :{n}\nauthor A <a@a.example> {1_700_000_000 + n} +0000\n"
                      f"committer A <a@a.example> {1_700_000_000 + n} +0000\ndata 3\nc{n % 10}\n")
        stream += [f"M 100644 inline d{n % 7}/f{k}.txt\ndata {len(str(n * k)) + 1}\n{n * k}\n" for k in range(40)]
        stream.append("\n")
    git(repo, "fast-import", "--quiet", stdin="".join(stream))
    return repo


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_during_a_split_collection_leaves_no_process_and_the_warehouse_unchanged(tmp_path, signum):
    repo = _big_repo(tmp_path, 3000)
    small = make_repo(tmp_path, HISTORY[:3], name="small")
    config = tmp_path / "healthdash.toml"
    config.write_text(f'warehouse = "w.duckdb"\n[collect]\nworkers = 2\nsplit_min_commits = 1\n'
                      '[[teams]]\nname = "T"\nprojects = [{ name = "p", repos = ["big", "small"] }]\n'
                      f'[repos.big]\npath = "{repo}"\n[repos.small]\npath = "{small}"\n')
    cli = [sys.executable, "-m", "healthdash.cli", "collect", "--config", str(config)]
    assert subprocess.run([*cli, "small"], capture_output=True, cwd=tmp_path).returncode == 0
    live = tmp_path / "w.duckdb"
    before = live.read_bytes()
    process = subprocess.Popen([*cli, "big"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        children = _descendants(process.pid)
        commands = [_read(f"/proc/{c}/cmdline") for c in children]
        if sum(b"collectors.gitsplit" in c for c in commands) == 2 and any(b"--no-walk" in c for c in commands):
            break
        time.sleep(0.005)
    assert process.poll() is None, "the collection ended before both workers and a git log were seen"
    children = _descendants(process.pid) | children
    process.send_signal(signum)
    process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.05)
    assert [pid for pid in children if _alive(pid)] == []     # no worker, no git left behind
    assert live.read_bytes() == before
    if signum == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM
        assert not (tmp_path / "w.duckdb.staging").exists()
