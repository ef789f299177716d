"""Review metrics (issue 4): who reviews, how long changes wait, CI health, review coverage.

Sits in the metrics layer (no Dash): each function binds the global filters to
one ``sql/review_*.sql`` query and returns the polars frame a chart plots and
exports.  Participation-style numbers (reviews per person / organisation,
activity, reviewer load) read ``contributions_in(...)``, so the organisation,
bot and date filters apply as everywhere; change-based numbers (latency, patch
sets, open age, CI health) read ``review_changes_in(...)`` (team / project /
repo filters, and organisation = the owner's organisation at the change's
creation, from ``change_owner_orgs``, migration 0008) and the date window on
the event that dates them; review coverage keeps the commits whose author
belonged to a filtered organisation at the commit date (``contribution_facts``).
Contribution kind and bots do not apply to change-based numbers (bots and CI
never count as a first review).  Durations are hours (days for open-change age).
"""

from __future__ import annotations

from datetime import datetime, time, timezone

import duckdb
import polars as pl

from healthdash.metrics import run
from healthdash.metrics.filters import Filters


def reviews_by_org(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """org, reviews (of others' changes), core_approvals, reviewers, share."""
    return run(con, "review_by_org", filters)


def reviews_by_person(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """person_id, name, org, reviews, core_approvals, self_votes (votes on their own changes)."""
    return run(con, "review_by_person", filters)


def top_reviewers(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                  *, limit: int = 50) -> pl.DataFrame:
    """name, org, reviews, core_approvals, self_votes of the ``limit`` busiest reviewers (no
    person ids: they can hold email addresses, and this frame is shown and exported)."""
    return reviews_by_person(con, filters).head(limit).select(
        "name", "org", "reviews", "core_approvals", "self_votes")


def review_activity(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """month, reviews, core_approvals, reviewers, active_cores, reviews_per_core (reviewer load)."""
    return run(con, "review_activity", filters)


def time_to_first_review(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """month (created), changes, reviewed, median_hours, p90_hours to the first human non-owner response."""
    return run(con, "review_time_to_first_review", filters).filter(pl.col("month").is_not_null())


def time_to_first_review_overall(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """One row for the whole window: changes, reviewed, median_hours, p90_hours (exact quantiles)."""
    df = run(con, "review_time_to_first_review", filters).filter(pl.col("month").is_null()).drop("month")
    if df.height == 0:  # no change in the window: grouping sets still give the total row, but be safe
        df = pl.DataFrame({"changes": [0], "reviewed": [0], "median_hours": [None], "p90_hours": [None]},
                          schema=df.schema)
    return df


def review_coverage_overall(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """One row for the whole window: commits, reviewed, coverage = reviewed / commits (not a mean of
    monthly shares)."""
    monthly = review_coverage(con, filters)
    commits, reviewed = int(monthly["commits"].sum()), int(monthly["reviewed"].sum())
    return pl.DataFrame({"commits": [commits], "reviewed": [reviewed],
                         "coverage": [reviewed / commits if commits else None]},
                        schema={"commits": pl.Int64, "reviewed": pl.Int64, "coverage": pl.Float64})


def time_to_merge(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """month (merged), merged, median_hours, p90_hours from creation to merge."""
    return run(con, "review_time_to_merge", filters)


def review_latency(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """month, measure ("first review" / "merge"), changes, median_hours, p90_hours: both latencies
    in one long frame for one chart."""
    first = time_to_first_review(con, filters).select(
        "month", pl.lit("first review").alias("measure"), pl.col("reviewed").alias("changes"),
        "median_hours", "p90_hours")
    merge = time_to_merge(con, filters).select(
        "month", pl.lit("merge").alias("measure"), pl.col("merged").alias("changes"),
        "median_hours", "p90_hours")
    return pl.concat([first, merge]).filter(pl.col("changes") > 0).sort("month", "measure")


def patch_sets(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """month (merged), merged, mean_patch_sets, median_patch_sets, max_patch_sets."""
    return run(con, "review_patch_sets", filters)


def open_change_age(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                    *, as_of: datetime | None = None) -> pl.DataFrame:
    """bucket, changes, share, median_age_days of changes open at the end of the window (else now)."""
    filters = filters or Filters()
    if as_of is None:
        as_of = (datetime.combine(filters.end, time(23, 59, 59), timezone.utc) if filters.end
                 else datetime.now(timezone.utc))
    return run(con, "review_open_age", filters, as_of=as_of)


def ci_health(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """month, patch_sets_tested, patch_sets_failed, failure_share, merged_changes, rechecks,
    rechecks_per_merged."""
    return run(con, "review_ci_health", filters)


def review_coverage(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """month, commits, reviewed, coverage: non-merge commits that landed through a change approved
    by someone other than their author."""
    return run(con, "review_coverage", filters)
