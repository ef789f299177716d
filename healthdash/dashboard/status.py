"""The Data page's content: what was collected, when, and what failed.

Sits beside the callbacks: reads the ``sources`` table, per-table row counts
and the schema version through the read-only warehouse and lays them out as
tables, so a committee member can see how fresh and complete the numbers are.
"""

from __future__ import annotations

import polars as pl
from dash import html

from healthdash.dashboard.components import frame_table, panel
from healthdash.dashboard.data import Warehouse, friendly
from healthdash.errors import HealthdashError
from healthdash.redact import without_server_paths
from healthdash.warehouse.load import row_counts

_SOURCES_SQL = """
SELECT kind, source_id AS source, location,
       strftime(last_run_at, '%Y-%m-%d %H:%M UTC') AS last_run,
       strftime(last_ok_at, '%Y-%m-%d %H:%M UTC') AS last_ok,
       coalesce(last_run_rows, 0) AS rows_written_by_last_run, coalesce(last_error, '') AS last_error
FROM sources ORDER BY kind, source_id
"""


def data_view(warehouse: Warehouse):
    """Sources, row counts and schema version (or a friendly panel)."""
    try:
        version, expected = warehouse.schema_status()
        sources = warehouse.query(_SOURCES_SQL)
        with warehouse.cursor() as cur:
            counts = row_counts(cur)
    except HealthdashError as err:
        title, message = friendly(err)
        return panel(title, message, kind="empty")
    # Credentials and the server's folders stay off the page (stored rows may predate redaction).
    sources = sources.with_columns(
        pl.col("location").map_elements(without_server_paths, return_dtype=pl.String),
        pl.col("last_error").map_elements(without_server_paths, return_dtype=pl.String))
    counts_df = pl.DataFrame({"table": list(counts), "rows": list(counts.values())},
                             schema={"table": pl.String, "rows": pl.Int64})
    failed = sources.filter(pl.col("last_error") != "").height
    upgrade = "" if version >= expected else f" (this healthdash expects {expected}: run `healthdash collect`)"
    facts = html.Ul([
        html.Li(f"Warehouse: {warehouse.path.name}"),
        html.Li(f"Schema version {version}{upgrade}"),
        html.Li(f"{sources.height} sources, {failed} with errors in their last run"),
    ], className="facts")
    if sources.height:
        source_block = frame_table(sources, table_id="data-sources", page_size=25, error_column="last_error")
    else:
        source_block = panel("No sources yet", "Run `healthdash collect` to collect the configured sources.",
                             kind="empty")
    counts_block = frame_table(counts_df, table_id="data-counts", page_size=25)
    return html.Div([facts, html.Div([
        html.Div([html.H2("Sources"), source_block], className="data-sources-col"),
        html.Div([html.H2("Rows per table"), counts_block], className="data-counts-col"),
    ], className="data-columns")])
