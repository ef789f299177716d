"""``healthdash export-warehouse`` and ``import-warehouse``: the warehouse as Parquet, beyond one machine.

Thin commands over :mod:`healthdash.warehouse.parquet_export` and
:mod:`healthdash.warehouse.parquet_import`; registered on the main CLI
(:mod:`healthdash.cli`).  Errors are one line (HealthdashError), like every command.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from healthdash.errors import HealthdashError

console = Console(stderr=True)

_CONFIG = typer.Option(None, "--config", "-c", envvar="HEALTHDASH_CONFIG", show_envvar=False,
                       help="Settings file naming the warehouse (default: $HEALTHDASH_CONFIG or ./healthdash.toml).")
_WAREHOUSE = typer.Option(None, "--warehouse", "-w", help="Warehouse file (default: the settings' warehouse).")


def _warehouse(warehouse: Optional[Path], config: Optional[Path]) -> Path:
    if warehouse is not None:
        return warehouse
    from healthdash.settings import load_settings
    return Path(load_settings(config).warehouse)


def export_warehouse(
    parquet: Path = typer.Option(..., "--parquet", help="Folder to write (created; must be empty unless --overwrite)."),
    warehouse: Optional[Path] = _WAREHOUSE,
    config: Optional[Path] = _CONFIG,
    shard: str = typer.Option("data", "--shard", help="This machine's name in the file names, so several "
                              "machines' exports copied into one folder read as one dataset."),
    include_private: bool = typer.Option(False, "--include-private-bugs", help="Also write private and embargoed "
                                         "bugs (and what points at them). Off by default: an export leaves "
                                         "healthdash's control."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an earlier export in the folder."),
) -> None:
    """Write the warehouse as Hive-partitioned Parquet (one folder per table, by year) for DuckDB, Trino, Spark."""
    from healthdash.warehouse.parquet_export import export_warehouse as run_export

    source = _warehouse(warehouse, config)
    progress = Progress(TextColumn("{task.description}"), BarColumn(bar_width=20), MofNCompleteColumn(),
                        TextColumn("{task.fields[note]}"), TimeElapsedColumn(), console=console)
    task = None

    def start(tables: list[str]) -> None:
        nonlocal task
        task = progress.add_task("tables", total=len(tables), note="")

    def done(table: str, rows: int) -> None:
        progress.update(task, advance=1, note=f"{table}: {rows:,} rows")

    with progress:
        result = run_export(source, parquet, shard=shard, include_private=include_private, overwrite=overwrite,
                            on_start=start, on_table=done)
    tables = result.manifest["tables"]
    size = sum(f.stat().st_size for f in result.files)
    console.print(f"wrote {len(tables)} tables, {sum(t['rows'] for t in tables.values()):,} rows, "
                  f"{size / 1e6:,.1f} MB of Parquet to {parquet} (shard {shard}"
                  f"{', private bugs included' if include_private else ''})", markup=False, highlight=False)


def import_warehouse(
    parquet: List[Path] = typer.Option(..., "--parquet", help="An export folder (repeat, or list more folders "
                                       "after it); each may hold several machines' shards."),
    more: List[Path] = typer.Argument(None, help="More export folders."),
    warehouse: Optional[Path] = _WAREHOUSE,
    config: Optional[Path] = _CONFIG,
) -> None:
    """Load the source tables of Parquet exports (shards) into the warehouse and rebuild the derived tables."""
    from healthdash.warehouse.parquet_import import import_warehouse as run_import

    target = _warehouse(warehouse, config)
    folders = list(parquet) + list(more or [])
    if not folders:
        raise HealthdashError("name at least one export folder with --parquet DIR", title="import failed")
    read = run_import(target, folders)
    console.print(f"imported {sum(read.values()):,} rows of {len(read)} tables from {len(folders)} folder(s) "
                  f"into {target}; people, affiliations and contribution facts rebuilt",
                  markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("export-warehouse")(export_warehouse)
    app.command("import-warehouse")(import_warehouse)
