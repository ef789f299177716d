"""A git split worker process: one slice of a history read by ``git log`` and parsed.

Started by :class:`collectors.gitsplit.read_split` as ``python -m
collectors.gitsplit_worker``, one per slice.  It imports no polars (the parser,
:mod:`collectors.gitparse`, builds plain column lists), which saves each worker
~0.2 CPU-seconds of start-up; the columns go back with :mod:`marshal` (built-in
types only: strings, integers, None) and the caller turns them into frames.

Protocol: stdin is one JSON line (repo, source id, fetch time, batch size,
parent pid) followed by the shas; stdout is a sequence of messages, each
``kind (1 byte) + length (8 bytes) + payload``: ``C`` a batch's columns
(marshal), ``B`` end of a batch (its commit count), ``E`` a one-line error.

It dies with its caller: it asks the kernel for SIGTERM when its parent dies
(SIGKILL included), on which it kills its process group (its ``git`` too).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import marshal
import os
import signal
import struct
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

from collectors.base import CollectorError, identity_id
from collectors.gitparse import ColumnParser
from collectors.gitrun import stream_log

HEAD = struct.Struct("<cQ")
_PR_SET_PDEATHSIG = 1


def read_message(stream: BinaryIO) -> tuple[bytes, bytes] | None:
    head = stream.read(HEAD.size)
    if len(head) < HEAD.size:
        return None
    kind, length = HEAD.unpack(head)
    return kind, stream.read(length)


def write_message(stream: BinaryIO, kind: bytes, payload: bytes) -> None:
    stream.write(HEAD.pack(kind, len(payload)))
    stream.write(payload)


def _die_with_parent(parent: int) -> None:
    """SIGTERM when the parent dies (Linux); on it, kill this worker's group (its git too)."""
    signal.signal(signal.SIGTERM, lambda *_: os.killpg(0, signal.SIGKILL))
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:       # died before prctl took effect
        os.killpg(0, signal.SIGKILL)


def work(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Read one slice (job + shas on ``stdin``), write its columns to ``stdout``."""
    job = json.loads(stdin.readline())
    _die_with_parent(job["parent"])
    shas = stdin.read()
    parser = ColumnParser(lambda name, email: identity_id("git", email=email, name=name))

    def flush(commits: int) -> None:
        write_message(stdout, b"C", marshal.dumps(parser.take_columns()))
        write_message(stdout, b"B", str(commits).encode())

    try:
        with tempfile.TemporaryFile() as shas_file:
            shas_file.write(shas)
            shas_file.seek(0)
            with contextlib.closing(stream_log(Path(job["path"]), ["--no-walk=unsorted", "--stdin"],
                                               stdin=shas_file)) as chunks:
                for text in chunks:
                    for commits in parser.feed(text, job["batch_commits"]):
                        flush(commits)
            parser.close()
            flush(parser.commits)
    except CollectorError as err:
        write_message(stdout, b"E", str(err).encode())
    stdout.flush()


if __name__ == "__main__":
    work(sys.stdin.buffer, sys.stdout.buffer)
