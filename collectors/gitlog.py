"""Parsing ``git log -z --numstat`` output into warehouse columns.

Sits between the ``git log`` process (:mod:`collectors.git`, transport) and the
warehouse: :class:`LogParser` is fed decoded text chunks as git writes them
and accumulates plain Python column lists; :meth:`LogParser.take_frames` turns
what it holds into one polars frame per table (``commits``, ``commit_files``,
``identities``) and starts afresh, so memory stays bounded by the batch size,
never by history length.

Output shape (``-z``): every commit is a header token made by :data:`FORMAT`
(starting with ``\\x1e``, fields separated by ``\\x1f``), terminated by NUL.
When the commit has a diff, numstat entries follow, each NUL-terminated;
the first carries a leading newline.  A plain entry is ``added\\tremoved\\tpath``;
a rename is ``added\\tremoved\\t`` followed by two more tokens, the old and
the new path.  Binary files show ``-`` for both counts.  Merges have no diff
(git's default), so their line counts stay NULL.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Callable, Iterator

import polars as pl

from collectors.base import parsing

HEADER = "\x1e"
FIELD = "\x1f"
TRAILER_SEP = "\x1d"

#: Trailers kept (matched case-insensitively by git and here).
TRAILER_KEYS = ("Change-Id", "Co-Authored-By", "Signed-off-by")

#: ``--format`` of the one ``git log`` process.  Raw ``%an``/``%ae`` on purpose:
#: ``.mailmap`` is applied later, in the identity layer, so merges stay explainable.
FORMAT = HEADER + FIELD.join([
    "%H", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%s",
    "%(trailers:" + ",".join(f"key={k}" for k in TRAILER_KEYS)
    + ",unfold,separator=%x1d)",
])
_FIELDS = 10

_PERSON = re.compile(r"^\s*(.*?)\s*<([^<>]*)>\s*$")

IdentityOf = Callable[[str, str], str]


def split_person(text: str) -> tuple[str, str]:
    """``"Name <email>"`` -> (name, email); a bare address or name fills one side."""
    match = _PERSON.match(text)
    if match:
        return match.group(1), match.group(2).strip()
    text = text.strip()
    return ("", text) if "@" in text and " " not in text else (text, "")


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
# ~50x slower) and are split by polars in :meth:`LogParser.take_frames`.
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


class LogParser:
    """Incremental parser: ``feed`` text, ``take_frames`` every N commits.

    ``identity_of(name, email)`` gives the identity id of a person; each
    identity is reported once per parser (in the batch where it first appears).
    """

    def __init__(self, identity_of: IdentityOf) -> None:
        self._identity_of = identity_of
        self._ids: dict[tuple[str, str], str] = {}
        self._rest = ""
        self._pending_rename: list[str] | None = None   # [added, removed, old?]
        self._commit: list | None = None                 # row being built
        self._file_count = self._added = self._removed = 0
        self._reset()

    def _reset(self) -> None:
        self._cols: dict[str, list] = {name: [] for name in COMMIT_SCHEMA}
        self._files: dict[str, list] = {name: [] for name in FILE_SCHEMA}
        self._new_ids: dict[str, list] = {name: [] for name in IDENTITY_SCHEMA}
        self.commits = 0

    # -- feeding -------------------------------------------------------------
    def feed(self, text: str, batch_commits: int) -> Iterator[int]:
        """Consume a chunk of git's output (may end in the middle of a token).

        A generator: it pauses (yielding the count) each time ``batch_commits``
        commits are complete, so the caller can :meth:`take_frames` right then.
        """
        tokens = (self._rest + text).split("\0")
        self._rest = tokens.pop()
        token_of = self._token
        for token in tokens:
            with parsing("git log output"):
                done = token_of(token)
            if done and self.commits >= batch_commits:
                yield self.commits

    def close(self) -> None:
        """End of output: finish the last commit."""
        with parsing("git log output"):
            if self._rest:
                self._token(self._rest)
                self._rest = ""
            self._finish_commit()

    def _token(self, token: str) -> bool:
        """Handle one NUL-terminated token; True when it completed a commit."""
        rename = self._pending_rename
        if rename is not None:
            rename.append(token)
            if len(rename) == 4:
                self._pending_rename = None
                self._add_file(rename[0], rename[1], rename[3], rename[2])
            return False
        if token.startswith("\n"):
            token = token[1:]
        if token.startswith(HEADER):
            finished = self._finish_commit()
            self._start_commit(token[1:])
            return finished
        if token:
            added, removed, path = token.split("\t", 2)
            if path:
                self._add_file(added, removed, path, None)
            else:
                self._pending_rename = [added, removed]
        return False

    # -- one commit ----------------------------------------------------------
    def _start_commit(self, header: str) -> None:
        fields = header.split(FIELD)
        if len(fields) != _FIELDS:   # a stray separator inside the subject
            fields = fields[:8] + [FIELD.join(fields[8:-1]), fields[-1]]
        self._commit = fields
        self._file_count = 0
        self._added = 0
        self._removed = 0

    def _add_file(self, added: str, removed: str, path: str, old_path: str | None) -> None:
        files = self._files
        files["sha"].append(self._commit[0])
        files["path"].append(path)
        files["old_path"].append(old_path)
        if added == "-":
            files["added"].append(None)
            files["removed"].append(None)
        else:
            a, r = int(added), int(removed)
            files["added"].append(a)
            files["removed"].append(r)
            self._added += a
            self._removed += r
        self._file_count += 1

    def _finish_commit(self) -> bool:
        fields = self._commit
        if fields is None:
            return False
        self._commit = None
        sha, parents, an, ae, ad, cn, ce, cd, subject, trailers = fields
        change_id, co_authors, signed = _trailers(trailers)
        cols = self._cols
        cols["sha"].append(sha)
        cols["parents"].append(parents)
        cols["author_name"].append(an)
        cols["author_email"].append(ae)
        cols["author_identity"].append(self._identity(an, ae))
        cols["author_date"].append(ad)
        cols["committer_name"].append(cn)
        cols["committer_email"].append(ce)
        cols["committer_identity"].append(self._identity(cn, ce))
        cols["commit_date"].append(cd)
        cols["subject"].append(subject)
        cols["change_id"].append(change_id)
        cols["co_authors"].append(TRAILER_SEP.join(co_authors))
        cols["signed_off_by"].append(TRAILER_SEP.join(signed))
        for person in co_authors:
            self._identity(*split_person(person))
        merge = " " in parents
        cols["files"].append(None if merge else self._file_count)
        cols["added"].append(None if merge else self._added)
        cols["removed"].append(None if merge else self._removed)
        self.commits += 1
        return True

    def _identity(self, name: str, email: str) -> str:
        key = (name, email)
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self._identity_of(name, email)
            new = self._new_ids
            new["identity_id"].append(found)
            new["source"].append("git")
            new["name"].append(name or None)
            new["email"].append(email or None)
        return found

    # -- frames --------------------------------------------------------------
    def take_frames(self, repo: str, source_id: str, fetched_at: datetime) -> dict[str, pl.DataFrame]:
        """Frames for every commit finished so far (then forget them)."""
        with parsing(f"git log output of {repo}"):
            return self._take_frames(repo, source_id, fetched_at)

    def _take_frames(self, repo: str, source_id: str, fetched_at: datetime) -> dict[str, pl.DataFrame]:
        carry = self._file_count if self._commit is not None else 0
        if carry:   # files of the commit still being read belong to the next batch
            held = {name: values[-carry:] for name, values in self._files.items()}
            self._files = {name: values[:-carry] for name, values in self._files.items()}
        commits = pl.DataFrame(self._cols, schema=COMMIT_SCHEMA)
        files = pl.DataFrame(self._files, schema=FILE_SCHEMA)
        identities = pl.DataFrame(self._new_ids, schema=IDENTITY_SCHEMA)
        self._reset()
        if carry:
            self._files = held
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


def _trailers(text: str) -> tuple[str | None, list[str], list[str]]:
    """(last Change-Id, Co-Authored-By values, Signed-off-by values)."""
    change_id, co_authors, signed = None, [], []
    if not text:
        return change_id, co_authors, signed
    for trailer in text.split(TRAILER_SEP):
        key, _, value = trailer.partition(":")
        key, value = key.strip().lower(), value.strip()
        if not value:
            continue
        if key == "change-id":
            change_id = value
        elif key == "co-authored-by":
            co_authors.append(value)
        elif key == "signed-off-by":
            signed.append(value)
    return change_id, co_authors, signed
