"""Security metrics: security bugs, advisories, reporters and repository hygiene.

Sits in the metrics layer (no Dash): each function binds the global filters
(plus ``$as_of``, see :mod:`healthdash.metrics.window`) to one
``sql/security_*.sql`` query and returns the frame the Security page plots and
exports.  Bug queries read ``bugs_in(...)`` (aggregate-safe; private bugs only
where ``[security] count_private_in_aggregates`` allows) or, for the one list
that shows titles and links, ``public_bugs_in(...)`` (see
:mod:`healthdash.privacy`).  Security bug = ``security_related``, an
information type naming Security, or a configured tag/label.
"""

from __future__ import annotations

import duckdb
import polars as pl

from healthdash.metrics import run
from healthdash.metrics.filters import Filters
from healthdash.metrics.window import as_of


def _run(con: duckdb.DuckDBPyConnection, name: str, filters: Filters | None) -> pl.DataFrame:
    return run(con, name, filters, as_of=as_of(filters))


def summary(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """One row: open_security_bugs, open_note, median_open_age_days, fixed_security_bugs,
    median_days_to_fix, p90_days_to_fix, advisories."""
    return _run(con, "security_summary", filters)


def open_by_project(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Open security bugs per project: project, open_bugs, median_age_days, oldest_age_days."""
    return _run(con, "security_open_by_project", filters)


def open_public_bugs(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """The open PUBLIC security bugs: bug, title, project, importance, status, age_days, link."""
    return _run(con, "security_open_public", filters)


def time_to_fix(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Per quarter of the fix: quarter, fixed_bugs, median_days_to_fix, p90_days_to_fix."""
    return _run(con, "security_time_to_fix", filters)


def advisories_per_year(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """year, project, advisories."""
    return _run(con, "security_advisories_per_year", filters)


def advisory_timeline(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """advisory_id, published, title, projects, cves, cve_count, days_from_report."""
    return _run(con, "security_advisory_timeline", filters)


def reporters_by_affiliation(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """affiliation, reporters, advisories, share_of_advisories."""
    return _run(con, "security_reporters_by_affiliation", filters)


def repo_hygiene(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """repo, project, security_policy, security_policy_detail, dependency_constraints,
    dependency_constraints_detail, checked_at."""
    return run(con, "security_repo_hygiene", filters)
