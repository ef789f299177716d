"""Release cycles as filters: a ``cycle=`` filter becomes start/end dates."""

from __future__ import annotations

from healthdash.metrics.filters import Filters


def cycle_dates(con) -> dict:
    rows = con.execute("SELECT name, start_at, end_at FROM release_cycles").fetchall()
    return {name: (start, end) for name, start, end in rows}


def resolve_cycle(con, filters: Filters) -> Filters:
    return filters.with_cycle(cycle_dates(con)) if filters.cycle else filters
