"""The reference instant of "open at" and "age" metrics (bugs, security).

Sits beside :mod:`healthdash.metrics.filters`: metrics that report a state
(backlog, open bugs and their ages) need one instant to measure at.  It is the
end of the filter window (the end day is inclusive, so the instant is the
following midnight UTC) or, without an end, now.  Binding it as ``$as_of``
keeps the SQL deterministic and the tests hand-computable.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from healthdash.metrics.filters import Filters


def as_of(filters: Filters | None) -> datetime:
    """Midnight UTC after ``filters.end``, else the current time (UTC)."""
    if filters is not None and filters.end is not None:
        return datetime.combine(filters.end + timedelta(days=1), time(0), tzinfo=timezone.utc)
    return datetime.now(timezone.utc)
