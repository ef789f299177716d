"""Quality metrics from coverage reports and commit file changes (issue 6).

Sits in the metrics layer (no Dash): each function binds the global filters to
one ``sql/quality_*.sql`` query and returns the polars frame the Quality page
plots and exports.  Coverage queries read ``coverage_in(...)`` (migration
0006), which applies team / project / repo and the date window; organisation
and contribution kind do not apply to a coverage report.  "Latest" means the
most recent report on or before the window's end.  Every coverage figure is
covered / valid summed over reports (weighted by lines), never an average of
percentages; coverage values are fractions in 0..1.

The review and bug metrics of the Quality page live with their collectors'
areas (``reviews.py``, ``bugs.py``).
"""

from __future__ import annotations

import duckdb
import polars as pl

from healthdash.metrics import run
from healthdash.metrics.filters import Filters

#: Files listed in the "largest uncovered files" chart.
UNCOVERED_TOP_N = 20


def coverage_by_repo(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Per repo and month in the window, the month's last report; ``is_latest`` marks the newest.

    Columns: repo, project, team, month, measured_at, tool, commit_sha, lines_valid,
    lines_covered, line_coverage, branches_valid, branches_covered, branch_coverage, is_latest.
    """
    return run(con, "quality_coverage_by_repo", filters)


def coverage_latest_by_repo(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Each repo's latest report as of the window's end, with the change since the report before."""
    return run(con, "quality_coverage_latest_by_repo", filters)


def coverage_latest_by_project(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Latest line and branch coverage per project, weighted by lines over its repos."""
    return run(con, "quality_coverage_latest_by_project", filters)


def coverage_summary(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """One row: repos_measured, lines_valid, lines_covered, line_coverage, branch_coverage, last_measured_at."""
    return run(con, "quality_coverage_summary", filters)


def coverage_trend_by_project(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Monthly weighted coverage per project, each repo's last figure carried to the month's end."""
    return run(con, "quality_coverage_trend_by_project", filters)


def uncovered_files(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                    *, top_n: int = UNCOVERED_TOP_N) -> pl.DataFrame:
    """The ``top_n`` files with most uncovered lines in the repos' latest reports."""
    return run(con, "quality_uncovered_files", filters, top_n=top_n)


def test_line_share(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Per repo: commits, changed_lines, test_lines and test_share of the filtered commits."""
    return run(con, "quality_test_line_share", filters)


test_line_share.__test__ = False          # a metric, not a pytest test, despite its name
