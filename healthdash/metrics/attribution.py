"""How contributions were attributed: the share decided by each rule (issue 9).

Metrics layer (no Dash).  Reads ``attribution_rule`` from the one attribution
view (``contribution_facts``); nothing is recomputed here.  Shown on the Data
page and by ``healthdash status`` so a committee knows how far to trust the
organisation numbers (an affiliation period beats a domain guess; unmapped
domains and identities without email are organisations nobody has named yet).
"""

from __future__ import annotations

import duckdb
import polars as pl

from healthdash.metrics import run
from healthdash.metrics.filters import Filters

RULES = ("affiliation period", "domain map", "unmapped domain", "public mail", "independent", "no email", "bot")


def attribution_rules(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """rule, contributions, share (of all filtered contributions, bots included); one row per rule."""
    return run(con, "attribution_rules", filters)
