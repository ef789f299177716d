"""Foundation participation metrics: who contributes, from which organisation.

Sits in the metrics layer (no Dash): each function binds the global filters to
one ``sql/participation_*.sql`` query over ``contributions_in(...)`` and
returns the polars frame the Participation page plots and exports.  Bots are
excluded unless the filters include them.  The fuller neutrality metrics
(elephant factor, HHI, governance verdicts) live in ``neutrality.py``.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import polars as pl

from healthdash.metrics import run
from healthdash.metrics.filters import Filters

#: Organisations named in the commits-over-time chart before the rest become "Others".
COMMITS_TOP_N = 8
#: Organisations listed in the top-organisations bar before the rest become "Others".
TOP_ORGS_N = 15


def _only_kind(filters: Filters | None, kind: str) -> Filters:
    """``filters`` narrowed to one contribution kind (none if the filters exclude it)."""
    filters = filters or Filters()
    if filters.kind and kind not in filters.kind:
        return replace(filters, kind=("__none__",))
    return replace(filters, kind=(kind,))


def commits_by_org(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                   *, top_n: int = COMMITS_TOP_N) -> pl.DataFrame:
    """Monthly non-merge commits per organisation: month, org, commits (0-filled)."""
    return run(con, "participation_commits_by_org", _only_kind(filters, "commit"), top_n=top_n)


def top_organisations(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                      *, top_n: int = TOP_ORGS_N) -> pl.DataFrame:
    """Contributions per organisation: org, contributions, share, contributors, organisations."""
    return run(con, "participation_top_orgs", filters, top_n=top_n)


def summary(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """One row: contributions, contributors, organisations, top_org, top_org_share, independent_share."""
    return run(con, "participation_summary", filters)
