"""Opening the warehouse: one writer at a time, readers never blocked.

DuckDB allows one read-write process or many read-only ones, never both.  So a
collection never writes the live file: :func:`writer` takes an exclusive lock
file (a second writer gets :class:`WarehouseBusyError` at once), copies the
warehouse to a staging file, writes there, and on success swaps it in with an
atomic ``os.replace``.  A crash or an error leaves the live warehouse exactly as
it was.  The dashboard reads with short-lived read-only connections
(:func:`reader`) that keep seeing the old file until the swap.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import signal
import threading
from pathlib import Path
from typing import Iterator

import duckdb

from healthdash.errors import WarehouseBusyError, WarehouseError
from healthdash.warehouse.derived import refresh
from healthdash.warehouse.migrate import latest_version, migrate, schema_version

log = logging.getLogger(__name__)


def _configure(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    con.execute("SET TimeZone = 'UTC'")
    return con


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+")
    except OSError as err:
        raise WarehouseError(f"cannot write in {path.parent} ({err.strerror or type(err).__name__}): "
                             "a collection needs a writable warehouse folder") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusyError(
                f"{path} is being written by another healthdash process; try again when it finishes"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Terminated(SystemExit):
    """SIGTERM arrived during a write: unwinds like an error so the staging copy is removed."""


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` while a writer is open (main thread only).

    ``kill`` (SIGTERM) from a scheduler or ``timeout`` then removes the staging copy
    and releases the lock like any error; SIGKILL cannot be caught, and the copy it
    leaves is removed by the next writer (:func:`stale_staging` reports it meanwhile).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    arrived: list[int] = []

    def stop(signum, _frame):
        arrived.append(signum)
        raise Terminated(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    except BaseException as err:
        # raised inside a DuckDB query, the handler's exception comes out as DuckDB's own
        # "Query interrupted": it is still the SIGTERM, and says so (exit status 143)
        if arrived and not isinstance(err, Terminated):
            raise Terminated(128 + arrived[0]) from err
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def writer(path: str | os.PathLike) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-write connection to a staging copy, swapped in on clean exit.

    Derived tables (``derived/*.sql``) are rebuilt just before the swap.  A
    warehouse written by a newer healthdash, or a file that is not a DuckDB
    database, is refused and left untouched.
    """
    path = Path(path)
    staging = path.with_name(path.name + ".staging")
    with _exclusive_lock(path), _terminate_cleanly():
        if staging.exists():
            log.warning("removing %s left by an interrupted collection", staging.name)
        _remove(staging, strict=True)
        try:
            if path.exists():
                shutil.copyfile(path, staging)
            con = _configure(duckdb.connect(str(staging)))
        except duckdb.Error as err:
            _remove(staging)
            raise WarehouseError(f"cannot open {path}: {' '.join(str(err).split())[:300]}") from err
        except OSError as err:
            _remove(staging)
            raise WarehouseError(f"cannot write {staging} ({err.strerror or type(err).__name__}); "
                                 f"{path} is unchanged") from None
        try:
            _refuse_newer(con, path)
            migrate(con)
            yield con
            refresh(con)
            con.execute("CHECKPOINT")
            con.close()
            os.replace(staging, path)
        except BaseException:
            con.close()
            _remove(staging)
            raise


def _refuse_newer(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    version, latest = schema_version(con), latest_version()
    if version > latest:
        raise WarehouseError(f"{path} has schema version {version}, newer than this healthdash knows "
                             f"({latest}); upgrade healthdash - the warehouse was left untouched")


def stale_staging(path: str | os.PathLike) -> Path | None:
    """The staging copy an interrupted (killed) collection left, if no collection is running now."""
    path = Path(path)
    staging = path.with_name(path.name + ".staging")
    if not staging.exists():
        return None
    try:
        with _exclusive_lock(path):
            return staging if staging.exists() else None
    except WarehouseError:  # busy (a collection is running and owns it) or not writable
        return None


def _remove(staging: Path, *, strict: bool = False) -> None:
    """Delete the staging copy and its WAL; ``strict`` turns a failure into a one-line error."""
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        try:
            leftover.unlink()
        except FileNotFoundError:
            pass
        except OSError as err:
            if strict:
                raise WarehouseError(f"cannot remove {leftover} ({err.strerror or type(err).__name__}); "
                                     "the warehouse is unchanged") from None


def ensure(path: str | os.PathLike) -> None:
    """Create or upgrade the warehouse so read-only connections can open it."""
    path = Path(path)
    if path.exists():
        with reader(path) as con:
            if schema_version(con) >= latest_version():
                return
    with writer(path):
        pass


@contextlib.contextmanager
def reader(path: str | os.PathLike) -> Iterator[duckdb.DuckDBPyConnection]:
    """Short-lived read-only connection (many may be open at once)."""
    path = Path(path)
    if not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `healthdash collect` or `healthdash demo` first")
    try:
        con = _configure(duckdb.connect(str(path), read_only=True))
    except duckdb.Error as err:
        raise WarehouseError(f"cannot open {path} for reading: {err}") from err
    try:
        yield con
    finally:
        con.close()
