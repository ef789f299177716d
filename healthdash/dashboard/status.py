"""The Data page's content: what was collected, when, and what failed.

Sits beside the callbacks: reads the ``sources`` table, per-table row counts
and the schema version through the read-only warehouse and lays them out as
tables, so a committee member can see how fresh and complete the numbers are.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from dash import dash_table, html

from healthdash.dashboard.components import panel
from healthdash.dashboard.data import Warehouse, friendly
from healthdash.errors import HealthdashError
from healthdash.warehouse.load import row_counts

_SOURCES_SQL = """
SELECT kind, source_id AS source, location,
       strftime(last_run_at, '%Y-%m-%d %H:%M UTC') AS last_run,
       strftime(last_ok_at, '%Y-%m-%d %H:%M UTC') AS last_ok,
       rows_loaded AS rows, coalesce(last_error, '') AS last_error
FROM sources ORDER BY kind, source_id
"""


def _table(df: pl.DataFrame, table_id: str, *, error_column: str | None = None) -> dash_table.DataTable:
    conditional: list[dict[str, Any]] = []
    if error_column:
        conditional.append({"if": {"filter_query": f'{{{error_column}}} != ""'},
                            "backgroundColor": "#FDECEA", "color": "#8A1C1C"})
    return dash_table.DataTable(
        id=table_id, data=df.to_dicts(), columns=[{"name": c.replace("_", " "), "id": c} for c in df.columns],
        sort_action="native", page_size=25, style_as_list_view=True,
        style_table={"overflowX": "auto"},
        style_cell={"fontFamily": "inherit", "fontSize": "0.9rem", "padding": "6px 10px", "textAlign": "left",
                    "whiteSpace": "normal", "height": "auto", "maxWidth": "480px"},
        style_header={"fontWeight": "600", "backgroundColor": "#F3F5F8"},
        style_data_conditional=conditional,
    )


def data_view(warehouse: Warehouse | Any):
    """Sources, row counts and schema version (or a friendly panel)."""
    warehouse = getattr(warehouse, "warehouse", warehouse)
    try:
        version, expected = warehouse.schema_status()
        sources = warehouse.query(_SOURCES_SQL)
        with warehouse.cursor() as cur:
            counts = row_counts(cur)
    except HealthdashError as err:
        title, message = friendly(err)
        return panel(title, message, kind="empty")
    counts_df = pl.DataFrame({"table": list(counts), "rows": list(counts.values())},
                             schema={"table": pl.String, "rows": pl.Int64})
    failed = sources.filter(pl.col("last_error") != "").height
    facts = html.Ul([
        html.Li(f"Warehouse: {warehouse.path}"),
        html.Li(f"Schema version {version}" + ("" if version >= expected else
                                               f" (this healthdash expects {expected}: run `healthdash collect`)")),
        html.Li(f"{sources.height} sources, {failed} with errors in their last run"),
    ], className="facts")
    source_block = (_table(sources, "data-sources", error_column="last_error") if sources.height else
                    panel("No sources yet", "Run `healthdash collect` to collect the configured sources.",
                          kind="empty"))
    return html.Div([
        facts,
        html.H2("Sources"), source_block,
        html.H2("Rows per table"), _table(counts_df, "data-counts"),
    ])
