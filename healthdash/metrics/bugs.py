"""Bug metrics for the Quality and Participation pages: backlog, flow, age, triage, fixes.

Sits in the metrics layer (no Dash): each function binds the global filters
(plus ``$as_of``, see :mod:`healthdash.metrics.window`) to one
``sql/bugs_*.sql`` query over ``bugs_in(...)``, the aggregate-safe bug view
(no titles, numbers or links; private bugs only where the privacy policy
allows, see :mod:`healthdash.privacy`).  Counts are per bug task (a bug filed
against two projects is in both backlogs), as trackers count them.  Team,
project and repository filters apply to every bug metric (a repository keeps
its project's bugs); organisation, contribution kind and bots only to "bugs
fixed by organisation", which reads the contributions view.
"""

from __future__ import annotations

import duckdb
import polars as pl

from healthdash.metrics import run
from healthdash.metrics.filters import Filters
from healthdash.metrics.window import as_of


def _run(con: duckdb.DuckDBPyConnection, name: str, filters: Filters | None) -> pl.DataFrame:
    return run(con, name, filters, as_of=as_of(filters))


def backlog(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Open bug tasks at each month end: month_end, open_bugs."""
    return _run(con, "bugs_backlog", filters)


def flow(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Monthly inflow and outflow: month, opened, closed, net."""
    return _run(con, "bugs_flow", filters)


def open_age_by_importance(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """importance, open_bugs, median_age_days, oldest_age_days."""
    return _run(con, "bugs_open_age_by_importance", filters)


def time_to_triage(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Per month of report: month, reported, triaged, median_days_to_triage."""
    return _run(con, "bugs_time_to_triage", filters)


def fixed_by_org(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Bugs fixed per organisation of the assignee at fix time: org, bugs_fixed, share."""
    filters = filters or Filters()
    kinds = ["bug_fixed"] if not filters.kind or "bug_fixed" in filters.kind else ["__none__"]
    return run(con, "bugs_fixed_by_org", filters, f_kinds=kinds)
