"""Parquet exports (shards) -> the warehouse (``healthdash import-warehouse --parquet DIR...``).

Where it sits: the other half of :mod:`healthdash.warehouse.parquet_export`, for
collecting beyond one machine.  Collectors are per source, so machine A collects
``git:nova``, machine B ``gerrit:review``, each exports a shard
(``export-warehouse --shard NAME``), and a central machine imports them all into
one warehouse.

Why it works this way:

* Only **source tables** are read (the files each manifest lists, so a stray file
  is never taken for data); derived tables (people, affiliations, contribution
  facts, ...) are rebuilt here from the merged sources, exactly as after a
  collection, so attribution sees every shard's identities at once.
* A source collected on two machines would make two partial histories fight
  over one cursor: two shards that hold the same ``source_id`` are refused
  (affiliation files, which every machine reads from the shared settings, excepted).
* Everything goes through :func:`healthdash.warehouse.store.writer` (staging
  copy, swapped in only on success) in one transaction: a bad shard leaves the
  warehouse as it was.  Rows are upserted by each table's natural key, so the
  reference tables every shard carries (teams, repos, domains, ...) merge, and
  importing the same shards again changes nothing.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from healthdash.errors import HealthdashError
from healthdash.warehouse.identity_load import rebuild_people
from healthdash.warehouse.load import primary_key, table_columns
from healthdash.warehouse.migrate import latest_version
from healthdash.warehouse.parquet_layout import DERIVED_TABLES, PARTITION_COLUMN
from healthdash.warehouse.store import writer


#: Source kinds every machine reads from the same configuration (affiliation files, re-read at each
#: collection), not collected data: they may be in several shards (the first shard's rows are kept).
SHARED_KINDS = ("affiliation",)


class ShardImportError(HealthdashError):
    title = "import failed"


@dataclass(frozen=True)
class Shard:
    """One export's manifest and the folder it sits in."""
    manifest_path: Path
    manifest: dict

    @property
    def name(self) -> str:
        return f"{self.manifest.get('shard')} ({self.manifest_path})"

    def files(self, table: str) -> list[str]:
        """The files this shard wrote for ``table`` (``<shard>_<n>.parquet`` in any year folder)."""
        mine = re.compile(re.escape(str(self.manifest.get("shard"))) + r"_\d+\.parquet")
        folder = self.manifest_path.parent / table
        return sorted(str(p) for p in folder.rglob("*.parquet") if mine.fullmatch(p.name))


def find_shards(dirs: list[str | os.PathLike]) -> list[Shard]:
    """Every export manifest in ``dirs`` (a folder may hold several machines' shards)."""
    shards, seen = [], set()
    for folder in map(Path, dirs):
        if not folder.is_dir():
            raise ShardImportError(f"{folder} is not a folder")
        manifests = sorted(folder.glob("_healthdash*.json"))
        if not manifests:
            raise ShardImportError(f"{folder} holds no healthdash export (no _healthdash.json): "
                               "write one with `healthdash export-warehouse --parquet DIR`")
        for path in manifests:
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            shards.append(Shard(path, _read_manifest(path)))
    return shards


def _read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as err:
        raise ShardImportError(f"{path}: not a readable export manifest ({err})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict):
        raise ShardImportError(f"{path}: not a healthdash export manifest (no tables)")
    version = manifest.get("schema_version")
    if not isinstance(version, int) or version > latest_version():
        raise ShardImportError(f"{path}: schema version {version!r} is newer than this healthdash knows "
                           f"({latest_version()}); upgrade healthdash")
    return manifest


def import_warehouse(warehouse: str | os.PathLike, dirs: list[str | os.PathLike]) -> dict[str, int]:
    """Load the source tables of every shard in ``dirs`` into ``warehouse``; return rows read per table."""
    shards = find_shards(dirs)
    read: dict[str, int] = {}
    with writer(warehouse) as con:
        _refuse_shared_sources(con, shards)
        tables = _source_tables(con, shards)
        con.execute("BEGIN TRANSACTION")
        try:
            for table, files in tables.items():
                read[table] = _load_table(con, table, files)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        rebuild_people(con)   # identities of every shard -> people -> affiliations; derived/*.sql on exit
    return read


def _source_tables(con, shards: list[Shard]) -> dict[str, list[str]]:
    """Table -> the Parquet files to load, for every non-derived table the warehouse knows."""
    known = {name for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_schema = 'main'").fetchall()}
    tables: dict[str, list[str]] = {}
    for shard in shards:
        for table in shard.manifest["tables"]:
            if table in DERIVED_TABLES or table not in known:
                continue
            files = shard.files(table)
            if not files:
                raise ShardImportError(f"{shard.manifest_path.parent / table}: no files of shard "
                                   f"{shard.manifest.get('shard')!r} (the export is incomplete)")
            tables.setdefault(table, []).extend(files)
    return tables


def _refuse_shared_sources(con, shards: list[Shard]) -> None:
    owner: dict[str, Shard] = {}
    for shard in shards:
        files = shard.files("sources")
        if not files:
            continue
        owned = con.execute("SELECT DISTINCT source_id FROM read_parquet(?) WHERE kind NOT IN "
                            f"({', '.join('?' * len(SHARED_KINDS))})", [files, *SHARED_KINDS]).fetchall()
        for (source_id,) in owned:
            if source_id in owner:
                raise ShardImportError(f"source {source_id!r} is in two shards, {owner[source_id].name} and "
                                   f"{shard.name}: collect each source on one machine only")
            owner[source_id] = shard


def _load_table(con: duckdb.DuckDBPyConnection, table: str, files: list[str]) -> int:
    """Upsert one table from its files (one ``INSERT OR REPLACE ... SELECT``, columns by name).

    Rows keep the order they were exported in, shard after shard, and a key held by several
    shards (a reference table every machine carries) takes the first shard's row: the identity
    layer reads rows in table order, so this keeps its explanations the same as on one machine.
    """
    columns = table_columns(con, table)
    key = ", ".join(f'"{c}"' for c in primary_key(con, table))
    scan = "read_parquet(?, hive_partitioning = true, union_by_name = true, filename = true, file_row_number = true)"
    try:
        present = [name for (name, *_rest) in con.execute(f"DESCRIBE SELECT * FROM {scan}", [files]).fetchall()]
        names = ", ".join(f'"{c}"' for c in present if c in columns and c != PARTITION_COLUMN)
        row = con.execute(
            f'INSERT OR REPLACE INTO "{table}" ({names}) SELECT {names} FROM ('
            f"  SELECT *, list_position(?, filename) AS hd_file FROM {scan}"
            f"  QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY hd_file, file_row_number) = 1"
            f") ORDER BY hd_file, file_row_number", [files, files]).fetchone()
    except duckdb.Error as err:
        reason = " ".join(str(err).split("\nLINE ")[0].split())[:300]   # DuckDB's message without the SQL echo
        raise ShardImportError(f"{table}: {reason}") from err
    return int(row[0]) if row else 0
