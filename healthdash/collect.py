"""Running collections: settings -> sources -> collectors -> warehouse.

The runner is the only place that connects collectors to the warehouse.  It
syncs the reference tables from the settings (teams, projects, repos, release
cycles, bots, domains), then runs each selected source's collector from its
stored cursor and loads each batch in one transaction.  A failing source is
recorded (``sources.last_error``) and the others still run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import polars as pl

import collectors
from collectors.base import CollectorError as SourceError
from collectors.base import SourceSpec
from healthdash import privacy
from healthdash.errors import CollectorError, HealthdashError
from healthdash.settings import Settings
from healthdash.warehouse import load as loader
from healthdash.warehouse.identity_load import rebuild_people
from healthdash.warehouse.store import writer


@dataclass
class SourceResult:
    source_id: str
    kind: str
    rows: int = 0
    error: str | None = None


class Reporter:
    """Progress hooks; the CLI subclasses this with rich progress bars."""

    def start(self, spec: SourceSpec) -> None: ...

    def advance(self, spec: SourceSpec, items: int = 0, message: str | None = None) -> None: ...

    def finish(self, spec: SourceSpec, result: SourceResult) -> None: ...


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._/-]+", "-", text).strip("-") or "source"


def git_source(repo_name: str, location: str, *, branch: str | None = None,
               clone_root: Path | None = None, mailmap: str | None = None) -> SourceSpec:
    options = {"repo": repo_name, "branch": branch, "mailmap": mailmap}
    if clone_root is not None:
        options["clone_dir"] = str(clone_root / _slug(repo_name))
    return SourceSpec("git", f"git:{repo_name}", location, {k: v for k, v in options.items() if v})


def configured_sources(settings: Settings) -> list[SourceSpec]:
    """Every source the settings describe: one git source per repo, ``[[sources]]`` and the
    ``[security] advisories`` folder."""
    clone_root = settings.warehouse.parent / "repos"
    specs = [
        git_source(repo.name, repo.path or repo.url, branch=repo.branch, clone_root=clone_root)
        for repo in settings.repos.values() if repo.path or repo.url
    ]
    for entry in settings.sources:
        options = {k: v for k, v in entry.items() if k not in ("kind", "name", "url", "path")}
        location = entry.get("url") or (str(settings.resolve(entry["path"])) if entry.get("path") else "")
        name = entry.get("name") or location
        specs.append(SourceSpec(entry["kind"], f"{entry['kind']}:{name}", location, options))
    advisories = settings.section("security").get("advisories")
    if advisories:  # [security] advisories = "<folder of OSSA-style YAML files>"
        specs.append(SourceSpec("advisories", "advisories:security", str(settings.resolve(advisories))))
    return specs


def select_sources(specs: Iterable[SourceSpec], selectors: Iterable[str]) -> list[SourceSpec]:
    """Keep sources whose kind, source id or name matches a selector (all if none)."""
    selectors = list(selectors)
    specs = list(specs)
    if not selectors:
        return specs
    chosen = [s for s in specs if any(sel in (s.kind, s.source_id, s.source_id.split(":", 1)[1])
                                      for sel in selectors)]
    if not chosen:
        known = ", ".join(s.source_id for s in specs) or "none configured"
        raise HealthdashError(f"no source matches {', '.join(selectors)} (sources: {known})",
                              title="unknown source")
    return chosen


def sync_reference_tables(con, settings: Settings) -> None:
    """Mirror the settings' teams, projects, repos, cycles, bots and domains into tables."""
    if settings.teams:
        loader.replace_table(con, "teams", pl.DataFrame(
            {"name": list(settings.teams), "description": list(settings.teams.values())}))
        loader.replace_table(con, "projects", pl.DataFrame(
            {"name": list(settings.projects), "team": list(settings.projects.values())},
            schema={"name": pl.String, "team": pl.String}))
        repos = list(settings.repos.values())
        loader.replace_table(con, "repos", pl.DataFrame({
            "name": [r.name for r in repos], "project": [r.project for r in repos],
            "url": [r.url or r.path for r in repos],
            "is_common_library": [r.common_library for r in repos]},
            schema={"name": pl.String, "project": pl.String, "url": pl.String, "is_common_library": pl.Boolean}))
    cycles = settings.release_cycles
    loader.replace_table(con, "release_cycles", pl.DataFrame({
        "name": [c.name for c in cycles], "start_at": [c.start for c in cycles],
        "end_at": [c.end for c in cycles]}, schema={"name": pl.String, "start_at": pl.Date, "end_at": pl.Date}))
    loader.replace_table(con, "bot_patterns", pl.DataFrame(
        {"pattern": settings.bot_patterns}, schema={"pattern": pl.String}))
    domains = settings.domains
    con.execute("DELETE FROM org_domains WHERE origin = 'config'")
    loader.upsert(con, "org_domains", pl.DataFrame(
        {"domain": list(domains), "org": list(domains.values()), "origin": ["config"] * len(domains)},
        schema={"domain": pl.String, "org": pl.String, "origin": pl.String}))
    privacy.sync_policy(con, settings)  # [security] switches -> privacy_policy (healthdash.privacy)


def collect(settings: Settings, specs: list[SourceSpec], *, full: bool = False,
            since: str | None = None, reporter: Reporter | None = None) -> list[SourceResult]:
    """Collect ``specs`` into the settings' warehouse; return one result per source."""
    reporter = reporter or Reporter()
    results = []
    with writer(settings.warehouse) as con:
        sync_reference_tables(con, settings)
        for spec in specs:
            results.append(_collect_one(con, spec, full=full, since=since, reporter=reporter))
        problems = rebuild_people(con, settings)  # identities -> people -> affiliations (healthdash.identity)
    results += [SourceResult("affiliations", "affiliation", error=problem) for problem in problems]
    return results


def _collect_one(con, spec: SourceSpec, *, full: bool, since: str | None, reporter: Reporter) -> SourceResult:
    result = SourceResult(spec.source_id, spec.kind)
    loader.register_source(con, spec.source_id, spec.kind, spec.location)
    cursor = None if full else (since or loader.get_cursor(con, spec.source_id))
    reporter.start(spec)
    progress: Callable[..., None] = lambda advance=0, message=None: reporter.advance(spec, advance, message)
    try:
        for batch in collectors.get(spec.kind)(spec, cursor, progress=progress):
            result.rows += loader.load_batch(con, spec.source_id, batch)
    except (SourceError, HealthdashError, OSError, ValueError, KeyError) as err:
        result.error = _describe(spec, err)
    loader.finish_source(con, spec.source_id, result.error)
    reporter.finish(spec, result)
    return result


def _describe(spec: SourceSpec, err: Exception) -> str:
    text = err.message if isinstance(err, HealthdashError) else str(err)
    text = " ".join(text.split())
    return text if spec.location and spec.location in text else f"{spec.source_id} ({spec.location}): {text}"


def raise_for_failures(results: list[SourceResult]) -> None:
    failed = [r for r in results if r.error]
    if failed:
        raise CollectorError("; ".join(r.error for r in failed))
