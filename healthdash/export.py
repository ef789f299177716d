"""Exports: the same metric frames the dashboard plots, as files.

``csv_text`` is the one CSV writer (dashboard downloads and ``healthdash
export`` both use it): cells that a spreadsheet would run as a formula
(starting with ``= + - @``, tab or carriage return) are prefixed with ``'``.
Parquet exports are written Hive-partitioned-friendly, one file per chart.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import polars as pl

from healthdash.metrics import Filters

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise_cell(value: str) -> str:
    """Make a text cell inert in spreadsheets (plain negative numbers stay numbers)."""
    if value and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def safe_frame(df: pl.DataFrame) -> pl.DataFrame:
    text_columns = [name for name, dtype in df.schema.items() if dtype == pl.String]
    if not text_columns:
        return df
    return df.with_columns(
        pl.col(name).map_elements(neutralise_cell, return_dtype=pl.String) for name in text_columns
    )


def csv_text(df: pl.DataFrame) -> str:
    """CSV of ``df`` with formula-like text cells neutralised; nested values as JSON-ish text."""
    flat = df.with_columns(
        pl.col(name).cast(pl.List(pl.String)).list.join("; ")
        for name, dtype in df.schema.items() if isinstance(dtype, pl.List)
    )
    return safe_frame(flat).write_csv()


def export_charts(con, names: Iterable[str], filters: Filters, out_dir: Path, fmt: str = "csv",
                  skipped: dict[str, str] | None = None) -> list[Path]:
    """Write one file per chart in ``names``; return the paths written.

    A chart whose inputs were never collected (its ``needs`` tables are empty) is not
    written: a file of zeros would read as data.  ``skipped`` (if given) receives
    ``name -> "no data — configure a … source"`` for each.
    """
    from healthdash.dashboard.charts import load_all, missing_input  # registry only; no Dash app is built

    charts = load_all()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    filled: dict[str, bool] = {}
    for name in names:
        missing = missing_input(charts[name].needs, lambda table: _has_rows(con, table, filled))
        if missing:
            if skipped is not None:
                skipped[name] = missing
            continue
        df = charts[name].metric(con, filters)
        target = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            target.write_text(csv_text(df), encoding="utf-8")
        elif fmt == "parquet":
            df.write_parquet(target)
        else:
            raise ValueError(f"unknown export format {fmt!r} (csv or parquet)")
        written.append(target)
    return written


def _has_rows(con, table: str, memo: dict[str, bool]) -> bool:
    if table not in memo:
        memo[table] = con.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchall()[0][0]
    return memo[table]
