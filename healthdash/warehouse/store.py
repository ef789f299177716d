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
import os
import shutil
from pathlib import Path
from typing import Iterator

import duckdb

from healthdash.errors import WarehouseBusyError, WarehouseError
from healthdash.warehouse.derived import refresh
from healthdash.warehouse.migrate import latest_version, migrate, schema_version


def _configure(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    con.execute("SET TimeZone = 'UTC'")
    return con


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
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


@contextlib.contextmanager
def writer(path: str | os.PathLike) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-write connection to a staging copy, swapped in on clean exit.

    Derived tables (``derived/*.sql``) are rebuilt just before the swap.
    """
    path = Path(path)
    staging = path.with_name(path.name + ".staging")
    with _exclusive_lock(path):
        _remove(staging)
        if path.exists():
            shutil.copyfile(path, staging)
        try:
            con = _configure(duckdb.connect(str(staging)))
        except duckdb.Error as err:
            _remove(staging)
            raise WarehouseError(f"cannot open {path}: {err}") from err
        try:
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


def _remove(staging: Path) -> None:
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


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
