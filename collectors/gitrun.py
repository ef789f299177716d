"""Running git for the collectors: a clean environment, one-shot commands, streamed ``git log``.

Shared by :mod:`collectors.git` (one repository's collection) and
:mod:`collectors.gitsplit` (its worker processes), so neither imports the other's
internals.
"""

from __future__ import annotations

import codecs
import os
import queue
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Iterator

from collectors.base import CollectorError
from collectors.gitparse import FORMAT

_CHUNK = 1 << 20
_QUEUE_CHUNKS = 256          # at most ~16 MiB of git output waiting to be parsed

#: Options pinned so user/system git config cannot change what is counted.
LOG_ARGS = [
    "-c", "log.showSignature=false", "-c", "core.quotePath=false",
    "log", "-z", "--numstat", "-M", "--diff-merges=off", "--no-color", "--no-mailmap",
    "--no-textconv", "--no-ext-diff", "--no-relative", "--encoding=UTF-8",
    f"--format={FORMAT}",
]

_GIT_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                 "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_COMMON_DIR")


def git_env() -> dict[str, str]:
    """Environment for git without repository overrides inherited from a caller (hooks)."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV_DROP}
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def log_env() -> dict[str, str]:
    """:func:`git_env` for ``git log``: block-buffered output.

    Into a pipe git flushes after every commit unless ``GIT_FLUSH=0``: ~600-byte
    writes, each waking the reader (10,700 reads for 12,000 commits instead of ~1,200).
    """
    return {**git_env(), "GIT_FLUSH": "0"}


def git(cwd: Path, *args: str, label: str) -> str:
    done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, env=git_env())
    if done.returncode != 0:
        raise CollectorError(f"git {args[0]} failed for {label}: {last_line(done.stderr)}")
    return done.stdout.decode("utf-8", errors="replace")


def last_line(stderr: bytes) -> str:
    lines = [line for line in stderr.decode("utf-8", errors="replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no error output"


def stream_log(path: Path, revs: list[str], stdin=None) -> Iterator[str]:
    """Decoded text chunks of ``git log`` as git writes them.

    A reader thread drains git's pipe into a bounded queue, so git keeps
    working while the consumer parses or loads a batch.
    """
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(["git", "-C", str(path), *LOG_ARGS, *revs, "--"],
                                stdin=stdin, stdout=subprocess.PIPE, stderr=errors, env=log_env())
        chunks: queue.Queue = queue.Queue(maxsize=_QUEUE_CHUNKS)
        stop = threading.Event()
        reader = threading.Thread(target=_drain, args=(proc.stdout.fileno(), chunks, stop), daemon=True)
        reader.start()
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        try:
            while (chunk := chunks.get()) is not None:
                yield decoder.decode(chunk)
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
            if proc.wait() != 0:
                errors.seek(0)
                raise CollectorError(f"git log failed for {path}: {last_line(errors.read())}")
        finally:
            stop.set()
            if proc.poll() is None:
                proc.kill()
            _empty(chunks)
            reader.join()
            proc.stdout.close()
            proc.wait()


def _drain(fd: int, chunks: queue.Queue, stop: threading.Event) -> None:
    while not stop.is_set():
        data = os.read(fd, _CHUNK)
        while not stop.is_set():
            try:
                chunks.put(data or None, timeout=0.1)
                break
            except queue.Full:
                continue
        if not data:
            return


def _empty(chunks: queue.Queue) -> None:
    while True:
        try:
            chunks.get_nowait()
        except queue.Empty:
            return
