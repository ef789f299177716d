"""Raw payloads of HTTP sources: one ``raw_items`` row per item, beside its typed rows.

Where it sits: each HTTP collector (Gerrit, GitHub pull requests, GitHub
issues, Launchpad) parses payloads into typed rows and, in the SAME
:class:`collectors.base.Batch`, hands the payloads themselves to
:func:`raw_frame`; the warehouse upserts them by ``(source_id, category,
item_id)``, so a re-fetched item replaces its payload.  ``healthdash rebuild``
later feeds the stored payloads back through the collector's ``rebuild`` to
rebuild the typed tables without refetching.

Contract: ``item_id`` is the typed rows' key (``changes.change_key`` or
``bugs.bug_key``), and ``fetched_at`` is exactly the ``fetched_at`` of the
typed rows built from the payload, so a rebuild reproduces them row for row.
Private items arrive here already scrubbed by the collector's own privacy rule.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable

import polars as pl

TS = pl.Datetime("us", "UTC")
RAW_SCHEMA = {
    "source_id": pl.String, "category": pl.String, "item_id": pl.String, "updated_at": TS,
    "fetched_at": TS, "collector_version": pl.String, "payload": pl.String,
}


def raw_frame(source_id: str, version: str, fetched_at: datetime,
              items: Iterable[tuple[str, str, datetime | None, Any]]) -> pl.DataFrame:
    """A ``raw_items`` frame from ``(category, item_id, updated_at, payload)`` tuples."""
    rows = [{"source_id": source_id, "category": category, "item_id": item_id, "updated_at": updated,
             "fetched_at": fetched_at, "collector_version": version,
             "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))}
            for category, item_id, updated, payload in items]
    return pl.DataFrame(rows, schema=RAW_SCHEMA)


def keep(mapping: Any, fields: Iterable[str]) -> dict[str, Any] | None:
    """``mapping`` reduced to ``fields`` (None stays None): the scrubbed form of a private item."""
    if not isinstance(mapping, dict):
        return None
    return {key: mapping[key] for key in fields if key in mapping}
