"""Read-only warehouse access for dashboard callbacks.

Sits between the Dash callbacks and :mod:`healthdash.metrics`.  Each process
keeps one read-only DuckDB connection per warehouse file and hands every call
its own ``cursor()`` (DuckDB cursors are safe to use from one thread each).
Collections never write the live file: they swap a new one in with
``os.replace`` (see :mod:`healthdash.warehouse.store`), so before each use the
file's inode / mtime / size is compared with the one that was opened and the
connection is reopened when it changed.  A missing, empty or outdated
warehouse becomes a :class:`WarehouseError` with a sentence for the user,
never a traceback.

Metric frames are memoised per (chart, filters, warehouse version) so the
"Download CSV" button gets exactly the frame the chart plotted; rendered views
(chart bodies, KPI cards, filter choices) are memoised the same way with
:meth:`Warehouse.memo`, so a page seen once is served from memory until the
next collection swaps a new file in.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

import duckdb
import polars as pl

from healthdash.errors import HealthdashError, WarehouseError
from healthdash.metrics import Filters
from healthdash.metrics.cycles import resolve_cycle
from healthdash.warehouse.migrate import latest_version, schema_version

_FRAME_CACHE_SIZE = 128
#: The views contribution_events (schema 0008) unites, cheapest to ask first.
_CONTRIBUTION_EVENT_VIEWS = ("commit_events", "change_events", "bug_events", "review_events")
_VIEW_CACHE_SIZE = 512


class Warehouse:
    """One warehouse file seen read-only by this process."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._frames: OrderedDict[tuple, pl.DataFrame] = OrderedDict()
        self._views: OrderedDict[tuple, Any] = OrderedDict()
        self._pending: dict[tuple, Future] = {}
        self._end: tuple[tuple[int, int, int], date | None] | None = None
        self._filled: tuple[tuple[int, int, int], dict[str, bool]] | None = None

    # -- connection ---------------------------------------------------------------
    def _current_stamp(self) -> tuple[int, int, int]:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            raise WarehouseError(
                f"no data collected yet: there is no warehouse at {self.path}. "
                "Run `healthdash collect` (or `healthdash demo`) first.", title="No data yet") from None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _connection(self) -> tuple[duckdb.DuckDBPyConnection, tuple[int, int, int]]:
        stamp = self._current_stamp()
        with self._lock:
            if self._con is None or stamp != self._stamp:
                self._close_locked()
                try:
                    con = duckdb.connect(str(self.path), read_only=True)
                    con.execute("SET TimeZone = 'UTC'")
                except duckdb.Error as err:
                    raise WarehouseError(f"cannot open {self.path} for reading: {err}") from err
                self._con, self._stamp = con, stamp
                self._frames.clear()
                self._views.clear()
            return self._con, self._stamp

    def _close_locked(self) -> None:
        if self._con is not None:
            with contextlib.suppress(duckdb.Error):
                self._con.close()
        self._con = None

    def close(self) -> None:
        with self._lock:
            self._close_locked()

    def version(self) -> tuple[int, int, int]:
        """The current file's (inode, mtime, size): changes whenever a collection swaps a new file in
        (raises WarehouseError when there is no file)."""
        return self._current_stamp()

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of the current warehouse file, closed after use."""
        con, _ = self._connection()
        cur = con.cursor()
        try:
            yield cur
        except duckdb.CatalogException as err:
            raise WarehouseError(
                f"the warehouse at {self.path} is older than this healthdash "
                f"({' '.join(str(err).split())[:160]}); run `healthdash collect` to upgrade it",
                title="Warehouse needs an upgrade") from err
        except duckdb.Error as err:
            raise WarehouseError(f"query failed on {self.path}: {' '.join(str(err).split())[:240]}") from err
        finally:
            with contextlib.suppress(duckdb.Error):
                cur.close()

    # -- queries ------------------------------------------------------------------
    def query(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
        """A small read-only query (reference tables, status); values always bound."""
        with self.cursor() as cur:
            return cur.sql(sql, params=params).pl()

    def schema_status(self) -> tuple[int, int]:
        """(warehouse schema version, version this code expects)."""
        with self.cursor() as cur:
            return schema_version(cur), latest_version()

    def frame(self, key: str, metric: Callable[[Any, Filters], pl.DataFrame],
              filters: Filters) -> pl.DataFrame:
        """``metric(cursor, filters)`` with the release cycle resolved, memoised per file version."""
        _, stamp = self._connection()
        cache_key = (key, filters.to_query(), stamp)
        with self._lock:
            if cache_key in self._frames:
                self._frames.move_to_end(cache_key)
                return self._frames[cache_key]
        with self.cursor() as cur:
            resolved = resolve_cycle(cur, filters)
            df = metric(cur, resolved)
        with self._lock:
            self._frames[cache_key] = df
            while len(self._frames) > _FRAME_CACHE_SIZE:
                self._frames.popitem(last=False)
        return df

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()`` memoised per (``key``, warehouse file version); an exception is not memoised.

        A key being computed by another thread is waited for, not computed twice: a page
        render that ran out of time leaves its sections computing, and the callbacks that
        then ask for them get the same result.
        """
        _, stamp = self._connection()
        cache_key = (key, stamp)
        with self._lock:
            if cache_key in self._views:
                self._views.move_to_end(cache_key)
                return self._views[cache_key]
            pending = self._pending.get(cache_key)
            owner = pending is None
            if owner:
                pending = self._pending[cache_key] = Future()
        if not owner:
            return pending.result()
        try:
            value = compute()
        except BaseException as err:
            with self._lock:
                self._pending.pop(cache_key, None)
            pending.set_exception(err)
            raise
        with self._lock:
            self._pending.pop(cache_key, None)
            self._views[cache_key] = value
            while len(self._views) > _VIEW_CACHE_SIZE:
                self._views.popitem(last=False)
        pending.set_result(value)
        return value

    def data_end(self) -> date | None:
        """The day of the newest contribution in the warehouse (UTC), memoised per file version.

        Monthly and quarterly charts mark the period holding this day as still running.
        """
        _, stamp = self._connection()
        with self._lock:
            if self._end is not None and self._end[0] == stamp:
                return self._end[1]
        with self.cursor() as cur:
            value = cur.execute("SELECT max(ts)::DATE FROM contribution_facts").fetchone()[0]
        with self._lock:
            self._end = (stamp, value)
        return value

    def has_rows(self, table: str) -> bool:
        """True when ``table`` holds any row (memoised per file version): a chart's inputs were collected."""
        _, stamp = self._connection()
        with self._lock:
            if self._filled is None or self._filled[0] != stamp:
                self._filled = (stamp, {})
            known = self._filled[1].get(table)
        if known is None:
            with self.cursor() as cur:
                exists = cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                                     [table]).fetchone()[0]
                known = bool(exists) and cur.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]
            with self._lock:
                self._filled[1][table] = known
        return known

    def is_empty(self) -> bool:
        """True when nothing has been collected (no contribution of any kind): no row in any of
        the views contribution_events unites, asked one at a time, cheapest first.  Asking the
        union itself cost ~0.33 s at a million commits (DuckDB plans the review and bug branches'
        joins and windows before the first row), on every page load's status check."""
        with self.cursor() as cur:
            return not any(cur.execute(f"SELECT EXISTS (SELECT 1 FROM {view})").fetchall()[0][0]
                           for view in _CONTRIBUTION_EVENT_VIEWS)


def current_warehouse() -> Warehouse:
    """The warehouse of the app serving the current request (set by ``create_app``)."""
    from flask import current_app  # noqa: PLC0415 - only meaningful inside a request

    return current_app.config["HEALTHDASH_CONTEXT"].warehouse


def metric_frame(chart: Any, filters: Filters, *, warehouse: Warehouse | None = None) -> pl.DataFrame:
    """The frame ``chart`` (a Chart or Kpi) plots for ``filters``, memoised per warehouse version.

    Without ``warehouse`` it uses the current app's (inside a callback).
    """
    warehouse = warehouse or current_warehouse()
    return warehouse.frame(chart.name, chart.metric, filters)


def friendly(err: Exception) -> tuple[str, str]:
    """(title, message) to show for an error raised while building a view."""
    if isinstance(err, HealthdashError):
        return err.title, err.message
    return "Something went wrong", (
        "This view could not be built. The error was logged on the server; "
        "try other filters or reload the page.")
