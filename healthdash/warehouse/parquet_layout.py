"""How the warehouse is laid out as Parquet: THE one place for the export's table choices.

Where it sits: read by :mod:`healthdash.warehouse.parquet_export` (warehouse ->
Hive-partitioned Parquet) and :mod:`healthdash.warehouse.parquet_import`
(Parquet shards -> warehouse).  One folder per table, ``DIR/<table>/``; a table
with a natural date is split into ``year=YYYY`` folders by the UTC year of that
date (a NULL date goes to Hive's ``year=__HIVE_DEFAULT_PARTITION__``), so Trino,
Spark and DuckDB prune whole years.  Each file is named after the shard that
wrote it (``<shard>_<n>.parquet``), so several machines' exports copied into one
tree never overwrite each other and read as one dataset.
"""

from __future__ import annotations

import re
from importlib import resources

from healthdash.errors import HealthdashError

#: The Hive partition column every dated table gets (holds the UTC year; not a warehouse column).
PARTITION_COLUMN = "year"

#: Table -> the date its rows are partitioned by.  Chosen for what a reader filters on:
#: commits by when the work was written (``author_date``; ``commit_date`` moves on every
#: rebase), changes and bugs by when they were opened (closing dates are NULL while open),
#: votes and messages by when they were given, coverage by the report's measurement time,
#: advisories by publication, checks by when they were read, contribution facts by the
#: contribution's own time.  Every other table is small or undated and stays unpartitioned
#: (``commit_files`` has no date of its own: join it to ``commits`` on repo, sha).
PARTITION_DATES: dict[str, str] = {
    "commits": "author_date",
    "changes": "created",
    "review_votes": "voted_at",
    "review_messages": "posted_at",
    "bugs": "created",
    "coverage_reports": "measured_at",
    "coverage_files": "measured_at",
    "advisories": "published",
    "repo_checks": "captured_at",
    "contribution_facts": "ts",
}

#: Rebuilt from the source tables: exported so other engines can read them, never imported
#: (``import-warehouse`` rebuilds them instead).  The identity layer's tables, plus every table a
#: ``derived/*.sql`` file creates (read from the files, so a new rollup is never imported by mistake).
IDENTITY_TABLES = frozenset({"people", "identity_person", "affiliations"})


def _derived_sql_tables(prefix: str = "") -> frozenset[str]:
    folder = resources.files("healthdash.warehouse").joinpath("derived")
    created = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+\"?(\w+)", re.IGNORECASE)
    return frozenset(name for entry in folder.iterdir()
                     if entry.name.startswith(prefix) and entry.name.endswith(".sql")
                     for name in created.findall(entry.read_text("utf-8")))


DERIVED_TABLES = IDENTITY_TABLES | _derived_sql_tables()

#: Never written: raw API pages (may hold anything a server answered), migration bookkeeping and the
#: settings fingerprint of this machine's last collection (``collect_state``, healthdash.collect_noop).
#: The speed rollups (``derived/rollup_*.sql``, issue 11) are not written either: caches of the
#: exported tables that import-warehouse rebuilds, and the ones summarising contribution_facts
#: cannot drop a private bug's contributions row by row as contribution_facts' export does.
ROLLUP_TABLES = _derived_sql_tables("rollup_")
NEVER_EXPORTED = frozenset({"raw_items", "schema_migrations", "collect_state", *ROLLUP_TABLES})

#: Text columns that may hold a URL or an error message: credentials are masked on the way out
#: (they are already masked when stored; this is the net under it).
REDACTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "sources": ("location", "last_error"),
    "repos": ("url",),
    "coverage_reports": ("origin",),
    "affiliation_files": ("path",),
}

#: The manifest of an export (``_healthdash.<shard>.json`` for a named shard, so copies of several
#: machines' exports into one tree keep every manifest).  The leading underscore makes Spark and
#: Hive skip it as a data file.
MANIFEST = "_healthdash.json"
DEFAULT_SHARD = "data"

_SHARD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


def check_shard(name: str) -> str:
    """``name`` if it can be part of a file name on every system, else a one-line error."""
    if not _SHARD_NAME.match(name or "") or name.endswith("."):
        raise HealthdashError(f"shard name {name!r} must be 1-63 letters, digits, '.', '_' or '-', "
                              "starting with a letter or digit", title="export")
    return name


def manifest_name(shard: str) -> str:
    return MANIFEST if shard == DEFAULT_SHARD else f"_healthdash.{shard}.json"
