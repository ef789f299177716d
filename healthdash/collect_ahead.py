"""Reading the next repositories' histories while the main thread loads this one.

The runner (:mod:`healthdash.collect`) loads sources one after another, in
configuration order, each git source in its own transaction, and the main
thread stays the only DuckDB writer.  What this adds: up to ``workers`` git
sources are *read* ahead, each by a thread that drives the git collector
(``git`` runs in a subprocess, so the threads overlap real work) and hands its
batches and progress calls over a small bounded queue.  The main thread replays
them in the order the collector produced them, so rows, outcomes and progress
messages are those of a sequential run.

A history of at least ``split_min_commits`` commits is not read ahead: its
thread stops at once (:class:`collectors.git.LargeHistory`) and the main flow
reads it with the split worker processes (:mod:`collectors.gitsplit`) as before.
At most ``workers`` repositories are in flight (read, buffered or loading), so
memory stays bounded; :meth:`ReadAhead.close` stops every thread (its ``git``
is killed by the collector's own cleanup).  ``workers = 1``: nothing is read
ahead, the sequential path of the runner is taken unchanged.

Head start (:func:`head_start`, run by a thread: :class:`HeadStart`): the first
repository, when it is a large local history, has its split workers started
while the runner opens the warehouse, so git reads while the warehouse is
copied, created or migrated (fixed costs of every run); its cursor is read with
a read-only connection and checked again inside the writer (:func:`matching`),
where a mismatch (another run wrote in between) drops the head start.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

import duckdb

import collectors
from collectors.base import Batch, SourceSpec
from collectors.base import CollectorError as SourceError
from collectors.git import LargeHistory, Started, is_url, start, workers_of
from collectors.gitsplit import read_split

#: Events waiting per repository (a small history is one batch plus its progress calls).
_QUEUE_EVENTS = 4
_POLL = 0.1


class _Reader:
    """One git source read by one thread into a bounded queue of events."""

    def __init__(self, spec: SourceSpec, cursor: str | None) -> None:
        self.spec, self.cursor = spec, cursor
        self.events: queue.Queue = queue.Queue(maxsize=_QUEUE_EVENTS)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"read-ahead {spec.source_id}", daemon=True)
        self.thread.start()

    def _put(self, event: tuple) -> None:
        while not self.stop.is_set():
            try:
                self.events.put(event, timeout=_POLL)
                return
            except queue.Full:
                continue
        raise _Stopped

    def _run(self) -> None:
        spec = replace(self.spec, options={**self.spec.options, "read_ahead": True})
        progress = lambda advance=0, message=None: self._put(("progress", advance, message))  # noqa: E731
        try:
            with contextlib.closing(collectors.get("git")(spec, self.cursor, progress=progress)) as batches:
                for batch in batches:
                    self._put(("batch", batch))
            self._put(("done",))
        except _Stopped:
            pass
        except LargeHistory:
            with contextlib.suppress(_Stopped):
                self._put(("large",))
        except BaseException as err:      # noqa: BLE001 - re-raised in the main thread, where it is judged
            with contextlib.suppress(_Stopped):
                self._put(("error", err))

    def _next(self) -> tuple:
        while True:                        # a timeout, so Ctrl-C / SIGTERM reach the main thread promptly
            try:
                return self.events.get(timeout=_POLL)
            except queue.Empty:
                if not self.thread.is_alive() and self.events.empty():
                    return ("error", RuntimeError(f"read-ahead of {self.spec.source_id} stopped"))

    def batches(self, progress: Callable[..., None]) -> Iterator[Batch]:
        """The collector's batches and progress calls, replayed in their order."""
        while True:
            kind, *payload = self._next()
            if kind == "batch":
                yield payload[0]
            elif kind == "progress":
                progress(*payload)
            elif kind == "error":
                raise payload[0]
            elif kind == "large":          # the split path, in the main flow
                yield from collectors.get("git")(self.spec, self.cursor, progress=progress)
                return
            else:
                return

    def close(self) -> None:
        self.stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                self.events.get_nowait()
        self.thread.join()


class _Stopped(Exception):
    """The main thread no longer wants this repository (error, interrupt, done)."""


class ReadAhead:
    """Git sources of ``specs`` read up to ``workers`` at a time, handed over in order.

    ``cursor_of(spec)`` is called in the main thread (it reads the warehouse).
    """

    def __init__(self, specs: list[SourceSpec], cursor_of: Callable[[SourceSpec], str | None],
                 head_started: int | None = None) -> None:
        self.specs, self.cursor_of = specs, cursor_of
        ids = [s.source_id for s in specs]
        self.eligible = [s.kind == "git" and workers_of(s) > 1 and ids.count(s.source_id) == 1 for s in specs]
        self.head_started = head_started       # read by its own split workers, not by a thread here
        if head_started is not None:
            self.eligible[head_started] = False
        self.readers: dict[int, _Reader] = {}
        self.next_index = 0

    def take(self, index: int) -> Callable[[Callable[..., None]], Iterator[Batch]] | None:
        """Batches of ``specs[index]`` (read ahead), or None: collect it in the main flow."""
        self._fill(index)
        reader = self.readers.get(index)
        return None if reader is None else reader.batches

    def release(self, index: int) -> None:
        """``specs[index]`` is loaded (or failed): its thread stops and frees its slot."""
        reader = self.readers.pop(index, None)
        if reader is not None:
            reader.close()

    def _fill(self, index: int) -> None:
        self.next_index = max(self.next_index, index)
        if not self.eligible[index] and index != self.head_started:
            return
        window = workers_of(self.specs[index]) - (index == self.head_started)   # its split holds a slot
        while self.next_index < len(self.specs) and len(self.readers) < window:
            at = self.next_index
            if self.eligible[at]:      # other kinds are skipped here and collected in the main flow
                self.readers[at] = _Reader(self.specs[at], self.cursor_of(self.specs[at]))
            self.next_index += 1

    def close(self) -> None:
        for index in list(self.readers):
            self.release(index)


class HeadStart:
    """:func:`head_start` run by a thread, so listing the history (``git rev-list``) and
    starting the workers overlap the caller opening the warehouse."""

    def __init__(self, warehouse: Path, specs: list[SourceSpec], *, full: bool, since: str | None) -> None:
        self._started: Started | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(warehouse, specs, full, since),
                                        name="head start", daemon=True)
        self._thread.start()

    def _run(self, warehouse: Path, specs: list[SourceSpec], full: bool, since: str | None) -> None:
        try:
            self._started = head_start(warehouse, specs, full=full, since=since)
        except BaseException as err:     # noqa: BLE001 - re-raised by take(), in the caller's thread
            self._error = err

    def take(self) -> Started | None:
        """The head start, once ready (None: there is none)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._started

    def close(self) -> None:
        """Stop its workers (a no-op once :func:`collectors.git.collect` has consumed them)."""
        self._thread.join()
        if self._started is not None:
            self._started.close()


def head_start(warehouse: Path, specs: list[SourceSpec], *, full: bool, since: str | None) -> Started | None:
    """The first source's split workers, started now (before the writer), or None.

    Only for a local git repository whose history is large enough to split; any
    problem (an unreadable warehouse, a missing repository) means no head start,
    and the main flow meets and reports it as usual.
    """
    if not specs or specs[0].kind != "git" or workers_of(specs[0]) < 2 or is_url(specs[0].location or ""):
        return None
    spec = specs[0]
    found, cursor = (True, None) if full else (True, since) if since else stored_cursor(warehouse, spec.source_id)
    if not found:
        return None
    try:
        started = start(spec, cursor)
    except (SourceError, OSError, ValueError):
        return None
    if started is not None and not isinstance(started.history, read_split):
        started.close()             # a small history: read in the main flow, no process was started
        return None
    return started


def stored_cursor(warehouse: Path, source_id: str) -> tuple[bool, str | None]:
    """(readable, cursor) of ``source_id`` from a read-only look at ``warehouse`` (no file: no cursor)."""
    if not Path(warehouse).exists():
        return True, None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return False, None
    try:
        row = con.execute("SELECT cursor FROM sources WHERE source_id = ?", [source_id]).fetchone()
    except duckdb.Error:        # no sources table yet (an older schema): the writer migrates first
        return False, None
    finally:
        con.close()
    return True, row[0] if row else None


def matching(started: Started | None, cursor: str | None) -> Started | None:
    """``started`` when it read from ``cursor`` (the writer's own view), else stopped and None."""
    if started is not None and started.since != cursor:
        started.close()
        return None
    return started
