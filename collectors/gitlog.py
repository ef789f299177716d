"""``git log`` columns -> warehouse frames (``commits``, ``commit_files``, ``identities``).

The parsing itself is :mod:`collectors.gitparse` (plain lists, no polars);
:class:`LogParser` adds :meth:`LogParser.take_frames`, and :func:`frames_of`
turns columns handed over by a split worker into the same frames: lists
joined by the parser are split here, ISO stamps become UTC times plus their
offsets in minutes.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from collectors.base import parsing
from collectors.gitparse import FORMAT, split_person  # noqa: F401 - API of this module
from collectors.gitparse import TRAILER_SEP, ColumnParser, Columns


def _tz_minutes(stamp: pl.Expr) -> pl.Expr:
    """Offset of an ISO-8601 strict stamp (``...+05:30``) in minutes."""
    sign = pl.when(stamp.str.slice(-6, 1) == "-").then(-1).otherwise(1)
    hours = stamp.str.slice(-5, 2).cast(pl.Int16)
    minutes = stamp.str.slice(-2, 2).cast(pl.Int16)
    return (sign * (hours * 60 + minutes)).cast(pl.Int16)


_NO_ITEMS = pl.lit([], dtype=pl.List(pl.String))


def _split(column: str, separator: str) -> pl.Expr:
    """A joined string column back to a list ("" -> [])."""
    joined = pl.col(column)
    return pl.when(joined == "").then(_NO_ITEMS).otherwise(joined.str.split(separator)).alias(column)


def _utc(stamp: pl.Expr) -> pl.Expr:
    return stamp.str.to_datetime("%Y-%m-%dT%H:%M:%S%:z", time_unit="us", time_zone="UTC")


# Lists travel as joined strings (building list columns from Python lists is
# ~50x slower) and are split by polars in :func:`frames_of`.
COMMIT_SCHEMA = {
    "sha": pl.String, "parents": pl.String, "author_name": pl.String,
    "author_email": pl.String, "author_identity": pl.String, "author_date": pl.String,
    "committer_name": pl.String, "committer_email": pl.String, "committer_identity": pl.String,
    "commit_date": pl.String, "subject": pl.String, "change_id": pl.String,
    "co_authors": pl.String, "signed_off_by": pl.String,
    "files": pl.Int32, "added": pl.Int32, "removed": pl.Int32,
}
FILE_SCHEMA = {"sha": pl.String, "path": pl.String, "added": pl.Int32,
               "removed": pl.Int32, "old_path": pl.String}
IDENTITY_SCHEMA = {"identity_id": pl.String, "source": pl.String, "name": pl.String,
                   "email": pl.String}


class LogParser(ColumnParser):
    """:class:`~collectors.gitparse.ColumnParser` whose batches come out as frames."""

    def take_frames(self, repo: str, source_id: str, fetched_at: datetime) -> dict[str, pl.DataFrame]:
        """Frames for every commit finished so far (then forget them)."""
        return frames_of(self.take_columns(), repo, source_id, fetched_at)


def frames_of(columns: Columns, repo: str, source_id: str, fetched_at: datetime) -> dict[str, pl.DataFrame]:
    """The warehouse frames of one batch of :meth:`~collectors.gitparse.ColumnParser.take_columns`."""
    with parsing(f"git log output of {repo}"):
        commits = pl.DataFrame(columns["commits"], schema=COMMIT_SCHEMA)
        files = pl.DataFrame(columns["commit_files"], schema=FILE_SCHEMA)
        identities = pl.DataFrame(columns["identities"], schema=IDENTITY_SCHEMA)
        commits = commits.with_columns(
            pl.lit(repo).alias("repo"),
            _split("parents", " "),
            _split("co_authors", TRAILER_SEP),
            _split("signed_off_by", TRAILER_SEP),
            pl.col("parents").str.contains(" ", literal=True).alias("is_merge"),
            _utc(pl.col("author_date")).alias("author_date"),
            _tz_minutes(pl.col("author_date")).alias("author_tz_minutes"),
            _utc(pl.col("commit_date")).alias("commit_date"),
            _tz_minutes(pl.col("commit_date")).alias("commit_tz_minutes"),
            pl.lit(source_id).alias("source_id"),
            pl.lit(fetched_at, dtype=pl.Datetime("us", "UTC")).alias("fetched_at"),
        )
        files = files.with_columns(pl.lit(repo).alias("repo"))
    return {"commits": commits, "commit_files": files, "identities": identities}
