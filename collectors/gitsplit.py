"""One large git history read on every core: contiguous slices, one worker process each.

``git log --numstat`` spends nearly all of its time diffing (DESIGN.md section 7),
one commit after another on one core.  Here the commits to read are listed once
(``git rev-list``, cheap), cut into ``workers`` contiguous slices, and each slice
goes to a worker *process* (``python -m collectors.gitsplit_worker``) that runs
``git log --no-walk=unsorted --stdin`` with the collector's exact arguments on
that slice AND parses it (processes, not threads: the parser is Python).  A
worker sends plain column lists back (:mod:`marshal`, no polars in the worker:
its import would cost each worker ~0.2 CPU-seconds); this side builds the
frames (:func:`collectors.gitlog.frames_of`) and yields them in slice order, so
the rows are the rows of one ``git log`` run.  The protocol is described in
:mod:`collectors.gitsplit_worker`.

No worker outlives its caller: each runs in its own process group, killed
with its ``git`` when the caller stops (error, Ctrl-C, SIGTERM), and asks the
kernel for SIGTERM when its parent dies (SIGKILL), on which it kills its group.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import signal
import subprocess
import sys
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Iterator

import polars as pl

from collectors.base import CollectorError
from collectors.gitlog import frames_of
from collectors.gitrun import last_line, git_env
from collectors.gitsplit_worker import read_message


def rev_list(path: Path, revs: list[str]) -> list[str]:
    """Shas ``git log revs`` would show, in the order it would show them."""
    done = subprocess.run(["git", "-C", str(path), "rev-list", *revs, "--"], capture_output=True, env=git_env())
    if done.returncode != 0:
        raise CollectorError(f"git rev-list failed for {path}: {last_line(done.stderr)}")
    return done.stdout.decode("ascii").split()


def slices(shas: list[str], count: int) -> list[list[str]]:
    """``shas`` cut into ``count`` contiguous, nearly equal slices (none empty)."""
    count = max(1, min(count, len(shas)))
    size, extra = divmod(len(shas), count)
    out, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        out.append(shas[start:end])
        start = end
    return out


class read_split:   # noqa: N801 - used like a function returning an iterator
    """(frames, commits) per batch of ``shas`` read by ``workers`` processes, in ``shas`` order.

    The workers start at once (the caller may do other work meanwhile, e.g.
    read the head's content); :meth:`close` stops any still running.
    Identities are reported once, where they first appear in the whole
    history, as one parser would.
    """

    def __init__(self, path: Path, repo: str, source_id: str, shas: list[str], workers: int,
                 batch_commits: int, fetched_at: datetime) -> None:
        job = {"path": str(path), "repo": repo, "source_id": source_id, "fetched_at": fetched_at.isoformat(),
               "batch_commits": batch_commits, "parent": os.getpid()}
        self.running: list[_Worker] = []
        try:
            for part in slices(shas, workers):
                self.running.append(_Worker(job, part, fetched_at))
        except BaseException:
            self.close()
            raise

    def __iter__(self) -> Iterator[tuple[dict[str, pl.DataFrame], int]]:
        for frames, commits, _ in self.batches():
            yield frames, commits

    def batches(self) -> Iterator[tuple[dict[str, pl.DataFrame], int, bool]]:
        """(frames, commits, more): ``more`` for every batch of a slice before the last one,
        so the caller may load it while the later slices are still being read."""
        seen: set[tuple] = set()
        try:
            for index, worker in enumerate(self.running):
                more = index < len(self.running) - 1
                for frames, commits in worker.batches():
                    frames["identities"] = _first_seen(frames["identities"], seen)
                    yield frames, commits, more
        finally:
            self.close()

    def close(self) -> None:
        for worker in self.running:
            worker.stop()


def _first_seen(identities: pl.DataFrame, seen: set[tuple]) -> pl.DataFrame:
    keep = []
    for key in identities.select("identity_id", "name", "email").iter_rows():
        keep.append(key not in seen)
        seen.add(key)
    return identities.filter(pl.Series(keep, dtype=pl.Boolean))


class _Worker:
    """One slice: a ``python -m collectors.gitsplit_worker`` process and a thread draining its output."""

    def __init__(self, job: dict, shas: list[str], fetched_at: datetime) -> None:
        self.job, self.fetched_at = job, fetched_at
        self.messages: list[tuple[bytes, bytes]] = []
        self.ready = threading.Condition()
        self.finished = False
        self.errors = tempfile.TemporaryFile()
        with tempfile.TemporaryFile() as stdin:
            stdin.write((json.dumps(job) + "\n" + "\n".join(shas) + "\n").encode())
            stdin.seek(0)
            self.proc = subprocess.Popen([sys.executable, "-m", "collectors.gitsplit_worker"], stdin=stdin,
                                         stdout=subprocess.PIPE, stderr=self.errors, process_group=0)
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self) -> None:
        stream = self.proc.stdout
        try:
            while message := read_message(stream):
                with self.ready:
                    self.messages.append(message)
                    self.ready.notify()
        finally:
            with self.ready:
                self.finished = True
                self.ready.notify()

    def _next(self) -> tuple[bytes, bytes] | None:
        with self.ready:
            self.ready.wait_for(lambda: self.messages or self.finished)
            return self.messages.pop(0) if self.messages else None

    def batches(self) -> Iterator[tuple[dict[str, pl.DataFrame], int]]:
        frames: dict[str, pl.DataFrame] = {}
        job = self.job
        while (message := self._next()) is not None:
            kind, payload = message
            if kind == b"C":
                frames = frames_of(marshal.loads(payload), job["repo"], job["source_id"], self.fetched_at)
            elif kind == b"B":
                yield frames, int(payload)
                frames = {}
            elif kind == b"E":
                raise CollectorError(payload.decode("utf-8", errors="replace"))
        if self.proc.wait() != 0:
            self.errors.seek(0)
            error = self.errors.read().decode("utf-8", errors="replace").strip().splitlines()
            raise CollectorError(f"git worker for {self.proc.args} stopped ({self.proc.returncode}): "
                                 f"{error[-1] if error else 'no error output'}")

    def stop(self) -> None:
        if self.errors.closed:
            return
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.reader.join()
        self.proc.stdout.close()
        self.errors.close()
