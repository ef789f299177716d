"""Rows for the review tables, shared by the Gerrit and GitHub collectors.

Both review collectors parse their payloads into plain dicts per row and hand
them here; :class:`ReviewRows` turns them into one polars frame per warehouse
table (``changes``, ``review_votes``, ``review_messages``, ``identities``)
with fixed column types, so an empty page still yields well-typed frames and
the two sources load identically.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import polars as pl

from collectors.base import identity_id, parsing

UTC_TS = pl.Datetime("us", "UTC")

CHANGE_SCHEMA = {
    "source": pl.String, "change_key": pl.String, "repo": pl.String, "number": pl.Int64,
    "change_id": pl.String, "owner_identity": pl.String, "branch": pl.String, "status": pl.String,
    "created": UTC_TS, "updated": UTC_TS, "submitted": UTC_TS, "patch_sets": pl.Int32,
    "subject": pl.String, "merge_sha": pl.String, "is_draft": pl.Boolean, "fetched_at": UTC_TS,
    "author_association": pl.String, "head_sha": pl.String,
}
VOTE_SCHEMA = {
    "source": pl.String, "change_key": pl.String, "reviewer_identity": pl.String, "patch_set": pl.Int32,
    "label": pl.String, "voted_at": UTC_TS, "value": pl.Int32, "is_ci": pl.Boolean,
}
MESSAGE_SCHEMA = {
    "source": pl.String, "change_key": pl.String, "message_id": pl.String, "author_identity": pl.String,
    "posted_at": UTC_TS, "patch_set": pl.Int32, "is_ci": pl.Boolean, "is_recheck": pl.Boolean,
    "tag": pl.String,
}
IDENTITY_SCHEMA = {
    "identity_id": pl.String, "source": pl.String, "name": pl.String, "email": pl.String,
    "username": pl.String, "account_id": pl.String,
}


def identity_row(source: str, *, account_id: Any = None, name: str | None = None, email: str | None = None,
                 username: str | None = None) -> dict[str, Any]:
    """One ``identities`` row.  An account id, when the source has one, is the identity on its
    own (names and emails of an account change; its id does not), so every mention of the
    account - owner, reviewer, message author - maps to the same identity."""
    account = str(account_id) if account_id is not None else None
    if account:
        key = identity_id(source, account_id=account)
    else:
        key = identity_id(source, email=email, name=name, username=username)
    return {"identity_id": key, "source": source, "name": name, "email": email,
            "username": username, "account_id": account}


class ReviewRows:
    """Accumulates rows for one batch and turns them into typed frames."""

    def __init__(self, fetched_at: datetime | None = None) -> None:
        self.changes: list[dict] = []
        self.votes: list[dict] = []
        self.messages: list[dict] = []
        self.identities: dict[str, dict] = {}
        self.fetched_at = fetched_at or datetime.now(timezone.utc)

    def identity(self, row: dict[str, Any]) -> str:
        """Remember an identity row (keeping the most detailed one) and return its id."""
        known = self.identities.get(row["identity_id"])
        if known is None or _detail(row) > _detail(known):
            self.identities[row["identity_id"]] = row
        return row["identity_id"]

    def frames(self) -> dict[str, pl.DataFrame]:
        """Typed frames; a value of the wrong type (a list for a number) is a one-line CollectorError."""
        with parsing("review rows"):
            return self._frames()

    def _frames(self) -> dict[str, pl.DataFrame]:
        changes = [{**row, "fetched_at": self.fetched_at} for row in self.changes]
        return {
            "changes": pl.DataFrame(changes, schema=CHANGE_SCHEMA),
            "review_votes": pl.DataFrame(self.votes, schema=VOTE_SCHEMA),
            "review_messages": pl.DataFrame(self.messages, schema=MESSAGE_SCHEMA),
            "identities": pl.DataFrame(list(self.identities.values()), schema=IDENTITY_SCHEMA),
        }


def _detail(row: dict[str, Any]) -> int:
    return sum(1 for key in ("name", "email", "username") if row.get(key))
