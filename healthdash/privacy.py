"""The privacy rule for bugs, on the warehouse and metrics side: THE one place it is enforced.

Where it sits: collectors decide what may be *stored* (a private, proprietary
or embargoed bug keeps its dates and status but no title, tags or link, see
:func:`collectors.launchpad.is_private_bug`, re-exported here); this module
decides what may be *counted* and *shown*:

* **Shown.** Only the ``public_bugs`` view (and its filter macro
  ``public_bugs_in``) carries a bug's title, number or link, and it holds public
  bugs only.  Every metric reads ``bugs_in(...)`` (aggregate-safe: no title,
  number or link) or ``public_bugs_in(...)``, never the ``bugs`` table or the
  internal ``bug_base`` view; :func:`unsafe_bug_reads` checks a metric's SQL
  for that, and a test runs it over every shipped metric.
* **Counted.** Private bugs enter aggregates (counts, medians, contributions)
  only when the settings say ``[security] count_private_in_aggregates = true``.
  The switch is copied into the warehouse's ``privacy_policy`` table at every
  collection (:func:`sync_policy`), so the ``bug_lifecycle`` view and the
  ``contributions`` rows built from it follow it without any page or export
  having to remember.  Default: not counted.

Even with private collection enabled (``include_private`` + credentials on a
source), nothing here ever lets a private title, number or link reach a page,
tooltip, embed, CSV/Parquet export or callback response.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl

from collectors.launchpad import PRIVATE_INFORMATION_TYPES, is_private_bug
from healthdash.settings import Settings
from healthdash.warehouse import load

__all__ = ["PRIVATE_INFORMATION_TYPES", "POLICY_SWITCH", "count_private_in_aggregates", "is_private_bug",
           "policy_in_warehouse", "sync_policy", "unsafe_bug_reads"]

POLICY_SWITCH = "count_private_in_aggregates"

#: Relations a metric must not read: they carry private titles, numbers or links.
_FORBIDDEN = re.compile(r"\b(?:from|join)\s+(\"?)(bugs|bug_base)\1(?=\s|$|\)|,|;)", re.IGNORECASE)


def count_private_in_aggregates(settings: Settings) -> bool:
    """The ``[security] count_private_in_aggregates`` switch (default False)."""
    return bool(settings.section("security").get(POLICY_SWITCH, False))


def sync_policy(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Copy the settings' privacy switches into ``privacy_policy`` (inside a write session)."""
    frame = pl.DataFrame({"name": [POLICY_SWITCH], "enabled": [count_private_in_aggregates(settings)]})
    load.replace_table(con, "privacy_policy", frame)


def policy_in_warehouse(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse currently counts private bugs in aggregates."""
    row = con.execute("SELECT enabled FROM privacy_policy WHERE name = ?", [POLICY_SWITCH]).fetchall()
    row = row[0] if row else None
    return bool(row and row[0])


def unsafe_bug_reads(sql: str) -> list[str]:
    """Relations in ``sql`` that a metric may not read (``bugs``, ``bug_base``); empty when safe."""
    without_comments = re.sub(r"--[^\n]*", "", sql)
    return [match.group(2) for match in _FORBIDDEN.finditer(without_comments)]
