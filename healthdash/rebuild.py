"""Rebuilding typed tables from stored raw payloads, without refetching.

Where it sits: beside :mod:`healthdash.collect`.  ``healthdash rebuild
[SOURCE...]`` picks the configured HTTP sources (Gerrit, GitHub pull requests,
GitHub issues, Launchpad), reads each one's ``raw_items`` through
:mod:`healthdash.warehouse.raw`, runs them through the collector module's
``rebuild(spec, payloads)`` - the same parsing functions the live collection
uses - and replaces that source's typed rows (``changes``, ``review_votes``,
``review_messages`` or ``bugs``; ``identities`` are upserted, since they are
shared by key across sources) in one writer session, one transaction per
source.  People and affiliations are rebuilt afterwards, as after a collection.
A source that fails is reported in one line naming it, and its rows stay as they were.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from collectors.base import CollectorError as SourceError
from collectors.base import SourceSpec
from healthdash.collect import configured_sources, select_sources
from healthdash.errors import CollectorError, HealthdashError, WarehouseError
from healthdash.settings import Settings
from healthdash.warehouse import raw
from healthdash.warehouse.identity_load import rebuild_people
from healthdash.warehouse.store import writer

_REVIEWS = ("changes", "review_votes", "review_messages")

#: source kind -> (collector module, typed tables it owns, their key column, the rows' ``source`` value)
REBUILDABLE: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "gerrit": ("collectors.gerrit", _REVIEWS, "change_key", "gerrit"),
    "github": ("collectors.github", _REVIEWS, "change_key", "github"),
    "github_issues": ("collectors.github_issues", ("bugs",), "bug_key", "github"),
    "launchpad": ("collectors.launchpad", ("bugs",), "bug_key", "launchpad"),
}


@dataclass
class RebuildResult:
    source_id: str
    items: int = 0
    rows: int = 0
    error: str | None = None


def rebuildable_sources(settings: Settings, selectors: list[str]) -> list[SourceSpec]:
    """The configured HTTP sources matching ``selectors`` (all of them if none)."""
    chosen = select_sources(configured_sources(settings), selectors)
    others = [s.source_id for s in chosen if s.kind not in REBUILDABLE]
    if others and selectors:
        raise HealthdashError(f"{others[0]} cannot be rebuilt: only {', '.join(REBUILDABLE)} sources keep raw "
                              "payloads", title="rebuild")
    specs = [s for s in chosen if s.kind in REBUILDABLE]
    if not specs:
        raise HealthdashError(f"no HTTP source to rebuild in {settings.path or 'the settings'}", title="rebuild")
    return specs


def rebuild(settings: Settings, specs: list[SourceSpec]) -> list[RebuildResult]:
    """Rebuild every source in ``specs`` from its raw payloads; one result per source."""
    if not settings.warehouse.exists():
        raise WarehouseError(f"no warehouse at {settings.warehouse}: run `healthdash collect` first")
    with writer(settings.warehouse) as con:
        results = [_rebuild_one(con, spec) for spec in specs]
        rebuild_people(con, settings)
    return results


def _rebuild_one(con, spec: SourceSpec) -> RebuildResult:
    result = RebuildResult(spec.source_id)
    module_name, tables, key, typed_source = REBUILDABLE[spec.kind]
    module = importlib.import_module(module_name)
    result.items = raw.item_count(con, spec.source_id)
    if not result.items:
        result.error = (f"{spec.source_id}: no raw payloads stored; collect it again "
                        f"(`healthdash collect {spec.source_id} --full`) before rebuilding")
        return result
    batches = (batch for fetched_at, payloads in raw.payload_groups(con, spec.source_id)
               for batch in module.rebuild(spec, payloads, fetched_at=fetched_at))
    try:
        result.rows = raw.replace_from_raw(con, spec.source_id, [(t, key, typed_source) for t in tables], batches)
    except (SourceError, HealthdashError, ValueError, KeyError, TypeError) as err:
        text = err.message if isinstance(err, HealthdashError) else str(err)
        result.error = f"{spec.source_id}: rebuild failed, rows kept as they were: {' '.join(text.split())}"
    return result


def raise_for_failures(results: list[RebuildResult]) -> None:
    failed = [r.error for r in results if r.error]
    if failed:
        raise CollectorError("; ".join(failed), title="rebuild failed")
