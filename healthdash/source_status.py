"""``healthdash status``: what was collected, what failed, and how far attribution can be trusted.

Reads the ``sources`` table beside the settings' configured sources (so a
source never run yet shows as such), groups failures by cause with the same
summary ``collect`` prints (:mod:`healthdash.collect_summary`), and gives the
share of contributions attributed by each rule
(:func:`healthdash.metrics.attribution.attribution_rules`).  Pure data here;
:mod:`healthdash.cli` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from healthdash.collect_summary import MAX_LINE, failure_lines, middle_ellipsis
from healthdash.redact import redact


@dataclass
class SourceRow:
    source_id: str
    kind: str
    location: str
    last_run_at: datetime | None
    last_ok_at: datetime | None
    rows: int            # rows written by the last run (the cumulative count is not shown)
    error: str | None
    cursor: str | None = None

    @property
    def state(self) -> str:
        if self.last_run_at is None:
            return "never run"
        return "failed" if self.error else "ok"


def source_rows(con: duckdb.DuckDBPyConnection, configured=()) -> list[SourceRow]:
    """Every source in the warehouse plus configured ones never collected, by source id."""
    # Locations and errors pass healthdash.redact: rows stored before redaction existed may hold credentials.
    rows = {r[0]: SourceRow(r[0], r[1], redact(r[2]), *r[3:6], redact(r[6]) if r[6] else None, *r[7:])
            for r in con.execute(
        "SELECT source_id, kind, location, last_run_at, last_ok_at, coalesce(last_run_rows, 0), "
        "last_error, cursor FROM sources ORDER BY source_id").fetchall()}
    for spec in configured:
        rows.setdefault(spec.source_id, SourceRow(spec.source_id, spec.kind, redact(spec.location), None, None, 0,
                                                  None))
    return [rows[k] for k in sorted(rows)]


def summary_line(rows: list[SourceRow]) -> str:
    states = [r.state for r in rows]
    last = max((r.last_run_at for r in rows if r.last_run_at), default=None)
    when = last.strftime("%Y-%m-%d %H:%M UTC") if last else "never"
    return (f"sources: {len(rows):,} — {states.count('ok'):,} ok, {states.count('failed'):,} failed, "
            f"{states.count('never run'):,} never run; last run {when}")


def failure_summary(rows: list[SourceRow]) -> list[str]:
    return failure_lines([r for r in rows if r.error])


def error_lines(rows: list[SourceRow]) -> list[str]:
    """One line per failed source: ``source: error`` (at most MAX_LINE characters)."""
    return [middle_ellipsis(r.error if r.source_id in r.error else f"{r.source_id}: {r.error}", MAX_LINE)
            for r in rows if r.error]


def find_source(rows: list[SourceRow], name: str) -> list[SourceRow]:
    """Sources whose id, name (after ``kind:``) or kind is ``name``."""
    return [r for r in rows if name in (r.source_id, r.source_id.split(":", 1)[-1])]


def attribution_line(frame) -> str:
    """``attribution: affiliation period 52.1% · domain map 30.0% · …`` for a rule-share frame."""
    if frame.height == 0 or not frame["contributions"].sum():
        return "attribution: no contributions collected yet"
    parts = [f"{rule} {share:.1%}" for rule, share in zip(frame["rule"], frame["share"]) if share]
    total = int(frame["contributions"].sum())
    return f"attribution of {total:,} contributions (bots included): " + " · ".join(parts)
