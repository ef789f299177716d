"""Parsing ``git log -z --numstat`` output into plain column lists (no polars).

Sits between the ``git log`` process and the warehouse frames
(:mod:`collectors.gitlog`): :class:`ColumnParser` is fed decoded text chunks as
git writes them and accumulates plain Python column lists, which
:meth:`ColumnParser.take_columns` hands over (and starts afresh), so memory
stays bounded by the batch size, never by history length.  Free of polars on
purpose: a split worker process (:mod:`collectors.gitsplit_worker`) imports
only this, not the ~0.2 CPU-seconds of polars, and sends the lists back.

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
from typing import Callable, Iterator

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


#: Column names of what :meth:`ColumnParser.take_columns` hands over (list columns travel
#: as joined strings: building list columns from Python lists is ~50x slower; polars splits them).
COMMIT_COLUMNS = ("sha", "parents", "author_name", "author_email", "author_identity", "author_date",
                  "committer_name", "committer_email", "committer_identity", "commit_date", "subject",
                  "change_id", "co_authors", "signed_off_by", "files", "added", "removed")
FILE_COLUMNS = ("sha", "path", "added", "removed", "old_path")
IDENTITY_COLUMNS = ("identity_id", "source", "name", "email")

#: {"commits": {column: values}, "commit_files": {...}, "identities": {...}}
Columns = dict[str, dict[str, list]]


class ColumnParser:
    """Incremental parser: ``feed`` text, ``take_columns`` every N commits.

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
        self._cols: dict[str, list] = {name: [] for name in COMMIT_COLUMNS}
        self._files: dict[str, list] = {name: [] for name in FILE_COLUMNS}
        self._new_ids: dict[str, list] = {name: [] for name in IDENTITY_COLUMNS}
        self.commits = 0

    # -- feeding -------------------------------------------------------------
    def feed(self, text: str, batch_commits: int) -> Iterator[int]:
        """Consume a chunk of git's output (may end in the middle of a token).

        A generator: it pauses (yielding the count) each time ``batch_commits``
        commits are complete, so the caller can :meth:`take_columns` right then.
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

    # -- handing over -------------------------------------------------------
    def take_columns(self) -> Columns:
        """Columns of every commit finished so far (then forget them).

        Files of the commit still being read stay for the next batch.
        """
        carry = self._file_count if self._commit is not None else 0
        if carry:
            held = {name: values[-carry:] for name, values in self._files.items()}
            self._files = {name: values[:-carry] for name, values in self._files.items()}
        columns = {"commits": self._cols, "commit_files": self._files, "identities": self._new_ids}
        self._reset()
        if carry:
            self._files = held
        return columns


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
