"""Exports: the same metric frames the dashboard plots, as files.

``csv_text`` is the one CSV writer (dashboard downloads and ``healthdash
export`` both use it).  A sponsor opens these in a spreadsheet, so:

* UTF-8 with a byte-order mark, so spreadsheet programs that assume a legacy
  encoding still read "Zoë" and "株式会社" correctly (``bom=False`` leaves it off);
* snake_case headers everywhere (:func:`healthdash.labels.snake_case`);
* floats rounded to 4 decimals (a share reads 0.8421, not 16 digits);
* cells a spreadsheet would run as a formula (starting with ``= + - @``, tab
  or carriage return) prefixed with ``'``.

Download names say what the file holds: ``<chart>-<filters>-<date>.csv``
(:func:`file_stem`).  Parquet exports keep full precision (snake_case headers too), one
file per chart.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl
from typing import Iterable

import polars as pl

from healthdash.labels import snake_case
from healthdash.metrics import Filters

#: Byte-order mark written at the start of every CSV (UTF-8 encoded: EF BB BF).
BOM = "\ufeff"
#: Decimals kept for floats (shares, ratios, medians) in CSV files.
CSV_DECIMALS = 4
#: Query keys that change how a view looks, not what it holds: left out of file names.
_DISPLAY_KEYS = ("present", "theme")

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


def csv_frame(df: pl.DataFrame) -> pl.DataFrame:
    """The frame as its CSV holds it: lists joined, floats rounded, snake_case headers, formulas inert."""
    flat = df.with_columns(
        *[pl.col(name).cast(pl.List(pl.String)).list.join("; ")
          for name, dtype in df.schema.items() if isinstance(dtype, pl.List)],
        *[pl.col(name).round(CSV_DECIMALS) for name, dtype in df.schema.items() if dtype.is_float()],
    )
    return safe_frame(snake_headers(flat))


def snake_headers(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with snake_case column names (the one header style of every export; clashes numbered)."""
    headers: dict[str, str] = {}
    for name in df.columns:
        header, n = snake_case(name), 2
        while header in headers.values():
            header, n = f"{snake_case(name)}_{n}", n + 1
        headers[name] = header
    return df.rename(headers)


def csv_text(df: pl.DataFrame, *, bom: bool = True) -> str:
    """CSV of ``df`` (see the module docstring); starts with a BOM unless ``bom=False``."""
    return (BOM if bom else "") + csv_frame(df).write_csv()


def filters_slug(filters: Filters | None) -> str:
    """The filters of a view as a file-name part: ``team-Compute_org-Acme``, ``all`` when none."""
    if filters is None:
        return "all"
    shown = Filters(**{**filters.__dict__, "extra": {k: v for k, v in filters.extra.items()
                                                     if k not in _DISPLAY_KEYS}})
    parts = []
    for key, value in parse_qsl(shown.to_query()):
        text = f"{key}-{value}" if key != "bots" else "with-bots"
        parts.append(re.sub(r"-{2,}", "-", re.sub(r"[^0-9A-Za-z.+-]+", "-", text)).strip("-"))
    slug = "_".join(p for p in parts if p)[:80].rstrip("-_")
    return slug or "all"


def file_stem(chart: str, filters: Filters | None, day: date | None) -> str:
    """``<chart>-<filters>-<date>``: two views of one chart never download under one name.

    ``day`` is the last day the numbers cover (the "data to" date), else today.
    """
    return f"{chart}-{filters_slug(filters)}-{(day or date.today()).isoformat()}"


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
            snake_headers(df).write_parquet(target)
        else:
            raise ValueError(f"unknown export format {fmt!r} (csv or parquet)")
        written.append(target)
    return written


def _has_rows(con, table: str, memo: dict[str, bool]) -> bool:
    if table not in memo:
        memo[table] = con.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchall()[0][0]
    return memo[table]
