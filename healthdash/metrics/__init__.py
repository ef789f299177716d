"""Metrics: the single source of truth for every number shown or exported.

Each metric is one ``sql/<name>.sql`` file plus one function
``(con, filters) -> polars.DataFrame`` that binds parameters (see
:func:`run`).  No Dash imports here.  SQL reads the warehouse's views, most
often through the ``contributions_in(...)`` table macro that applies the
global filters.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import duckdb
import polars as pl

from healthdash.metrics.filters import KINDS, Filters, parse_filters

__all__ = ["KINDS", "Filters", "parse_filters", "run", "sql_text"]


@lru_cache(maxsize=None)
def sql_text(name: str) -> str:
    return resources.files("healthdash.metrics").joinpath("sql", f"{name}.sql").read_text("utf-8")


def run(con: duckdb.DuckDBPyConnection, name: str, filters: Filters | None = None,
        **params: Any) -> pl.DataFrame:
    """Run metric ``name`` with the filter parameters plus ``params``.

    Only parameters the SQL text mentions are bound, so a query may use any
    subset of the shared filter parameters.
    """
    sql = sql_text(name)
    bound = {**(filters or Filters()).params(), **params}
    bound = {key: value for key, value in bound.items() if f"${key}" in sql}
    return con.sql(sql, params=bound).pl()
