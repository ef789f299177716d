"""Strategic contributions (issue 13): who invests in the community's long-term health.

Metrics layer (no Dash).  One query, ``sql/strategic_contributions.sql``, says
per organisation (or person) which share of its contributions went to common
libraries, tests, reviews of other organisations' changes, bug fixes, security
and consistency work, beside the community's pooled share.  The functions here
bind it for the three views that use it: organisations over the window, their
trend per release cycle, and one person.  :data:`CATEGORIES` is the one list of
categories with their labels and definitions: the page, the chart descriptions
and the README read it.
"""

from __future__ import annotations

import duckdb
import polars as pl

from healthdash.metrics import run
from healthdash.metrics.filters import Filters

#: Organisations in the ranked view and the trend (by contributions in the filters).
RANKED_TOP_N = 15
TREND_TOP_N = 6

#: (category, label, definition): the order of the columns in every view.
CATEGORIES: list[tuple[str, str, str]] = [
    ("strategic", "Any strategic work",
     "Contributions in at least one of the categories below (tests aside: a share of lines), "
     "out of all the organisation's contributions."),
    ("common_libraries", "Common libraries",
     "Commits, reviews, merged changes and bugs in repositories configured as common libraries "
     "(common_library = true), out of all contributions."),
    ("tests", "Tests",
     "Changed lines (added + removed) in test files — a folder tests/, test/, testing/ or a file "
     "test_*.py, *_test.go, *.spec.ts, FooTest.java, conftest.py — out of all lines the organisation's "
     "commits changed."),
    ("cross_org_reviews", "Reviews of others",
     "Code reviews (votes, +2s, GitHub reviews) of a change owned by another organisation "
     "(each independent person counts as their own), out of all contributions."),
    ("bug_fixes", "Bug fixing",
     "Bugs fixed (the assignee when the fix landed), out of all contributions. Who triaged a bug is "
     "not in the trackers' data, so triage is not counted."),
    ("security", "Security",
     "Security bugs reported or fixed, and merged changes and reviews of the fixes an advisory names, "
     "out of all contributions. Private bugs count only where [security] allows."),
    ("consistency", "Consistency",
     "Commits changing a feature-matrix file (closing or updating its holes), out of all contributions; "
     "'no data' until a feature matrix is collected."),
]
CATEGORY_LABELS = {key: label for key, label, _ in CATEGORIES}


def _strategic(con: duckdb.DuckDBPyConnection, filters: Filters | None, *, unit: str, by_cycle: bool,
               top_n: int | None, person: str | None = None) -> pl.DataFrame:
    frame = run(con, "strategic_contributions", filters, unit=unit, by_cycle=by_cycle, top_n=top_n,
                person=person)
    order = {key: index for index, (key, _, _) in enumerate(CATEGORIES)}
    return frame.with_columns(
        pl.col("category").replace_strict(CATEGORY_LABELS, return_dtype=pl.String).alias("category_label"),
        pl.col("category").replace_strict(order, return_dtype=pl.Int32).alias("category_order"))


def by_org(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
           *, top_n: int | None = RANKED_TOP_N) -> pl.DataFrame:
    """Per organisation (the ``top_n`` with most contributions) and category over the window,
    plus the Community row: unit, unit_contributions, category, contributions (numerator),
    total (denominator), share, community_share, difference, note ('no data: ...' when NULL)."""
    frame = _strategic(con, filters, unit="org", by_cycle=False, top_n=top_n)
    return frame.drop("period", "period_start", "period_end", "in_progress").rename({"unit": "org"})


def by_cycle(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
             *, top_n: int | None = TREND_TOP_N, category: str | None = "strategic") -> pl.DataFrame:
    """The same per release cycle (cycle, cycle_start, cycle_end, in_progress) for the ``top_n``
    organisations and the community, for one ``category`` (None = all of them)."""
    frame = _strategic(con, filters, unit="org", by_cycle=True, top_n=top_n)
    if category is not None:
        frame = frame.filter(pl.col("category") == category)
    return frame.rename({"period": "cycle", "period_start": "cycle_start", "period_end": "cycle_end",
                         "unit": "org"})


def for_person(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
               *, person: str | None = None) -> pl.DataFrame:
    """One person's shares per category beside the community's (``person`` = person id)."""
    person = person or (filters.extra.get("id") if filters else None)
    frame = _strategic(con, filters, unit="person", by_cycle=False, top_n=None, person=person)
    return frame.drop("period", "period_start", "period_end", "in_progress").rename({"unit": "person_id"})
