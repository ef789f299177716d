"""Running collections: settings -> sources -> collectors -> warehouse.

The runner is the only place that connects collectors to the warehouse.  It
syncs the reference tables from the settings (teams, projects, repos, release
cycles, bots, domains), then runs each selected source's collector from its
stored cursor and loads each batch in one transaction.  A failing source is
recorded (``sources.last_error``) and the others still run.

What a failed run keeps: a git source is loaded all or nothing (every batch of
one run in one transaction, see :data:`ATOMIC_KINDS`), so a ``git log`` that dies
part-way leaves exactly the rows the repository had before.  HTTP sources keep
the pages they completed (their cursor only advances with loaded pages, so the
next run resumes); until a run of theirs finishes, ``sources.last_error`` marks
them incomplete and every dashboard page says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

import polars as pl

import collectors
from collectors.base import CollectorError as SourceError
from collectors.base import SourceSpec
from healthdash import collect_ahead, collect_noop, commonality, privacy
from healthdash.collect_ahead import ReadAhead
from healthdash.errors import CollectorError, HealthdashError
from healthdash.identity.bots import all_patterns
from healthdash.redact import redact, register_secret_env
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
    location: str = ""
    up_to_date: bool = False      # found with nothing new by a run that did not open the writer


#: Source kinds whose runs are loaded in one transaction (all or nothing): a
#: repository's history is one unit, half of it would skew every share.
ATOMIC_KINDS = frozenset({"git"})


class Reporter:
    """Progress hooks; the CLI subclasses this with rich progress bars."""

    def begin(self, specs: list[SourceSpec]) -> None: ...

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
    content = commonality.content_options(settings)
    specs = [
        commonality.with_options(git_source(repo.name, repo.path or repo.url, branch=repo.branch,
                                            clone_root=clone_root), content)
        for repo in settings.repos.values() if repo.path or repo.url
    ]
    specs += commonality.requirements_sources(settings)
    for entry in settings.sources:
        options = {k: v for k, v in entry.items() if k not in ("kind", "name", "url", "path")}
        location = entry.get("url") or (str(settings.resolve(entry["path"])) if entry.get("path") else "")
        if entry["kind"] == "feature_matrix" and entry.get("repo"):   # a file inside a configured repository
            location = commonality.repo_location(settings, entry["repo"], clone_root / _slug(entry["repo"]))
        name = entry.get("name") or redact(location)  # the source id is shown: never with credentials
        register_secret_env(entry.get("token_env"))
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
            "url": [redact(r.url or r.path) for r in repos],
            "is_common_library": [r.common_library for r in repos]},
            schema={"name": pl.String, "project": pl.String, "url": pl.String, "is_common_library": pl.Boolean}))
    cycles = settings.release_cycles
    loader.replace_table(con, "release_cycles", pl.DataFrame({
        "name": [c.name for c in cycles], "start_at": [c.start for c in cycles],
        "end_at": [c.end for c in cycles]}, schema={"name": pl.String, "start_at": pl.Date, "end_at": pl.Date}))
    loader.replace_table(con, "bot_patterns", pl.DataFrame(     # built-in defaults + configured
        {"pattern": all_patterns(settings.bot_patterns)}, schema={"pattern": pl.String}))
    domains = settings.domains
    con.execute("DELETE FROM org_domains WHERE origin = 'config'")
    loader.upsert(con, "org_domains", pl.DataFrame(
        {"domain": list(domains), "org": list(domains.values()), "origin": ["config"] * len(domains)},
        schema={"domain": pl.String, "org": pl.String, "origin": pl.String}))
    privacy.sync_policy(con, settings)  # [security] switches -> privacy_policy (healthdash.privacy)
    commonality.sync_common_libraries(con, settings)  # [commonality] common_libraries -> common_libraries


def with_workers(settings: Settings, specs: list[SourceSpec], workers: int | None = None) -> list[SourceSpec]:
    """Git sources with ``[collect] workers`` / ``split_min_commits`` (``workers`` overrides the file)."""
    options = {k: v for k, v in settings.section("collect").items() if k in ("workers", "split_min_commits")}
    if workers is not None:
        options["workers"] = workers
    for key, value in options.items():
        if value < 1:
            raise HealthdashError(f"[collect] {key} must be at least 1, not {value}", title="bad setting")
    return [replace(s, options={**s.options, **options}) if s.kind == "git" and options else s for s in specs]


def collect(settings: Settings, specs: list[SourceSpec], *, full: bool = False,
            since: str | None = None, reporter: Reporter | None = None,
            workers: int | None = None) -> list[SourceResult]:
    """Collect ``specs`` into the settings' warehouse; return one result per source."""
    specs = with_workers(settings, specs, workers)
    reporter = reporter or Reporter()
    reporter.begin(list(specs))
    heads = collect_noop.up_to_date(settings, specs, full=full, since=since)
    if heads is not None:   # nothing new anywhere: the warehouse is not even opened for writing
        return _report_up_to_date(settings, specs, heads, reporter)
    # the first large history's workers read while the warehouse is copied, created or migrated
    head = collect_ahead.HeadStart(settings.warehouse, specs, full=full, since=since)
    try:
        with writer(settings.warehouse) as con:
            results, problems = _collect_all(con, settings, specs, full=full, since=since,
                                             reporter=reporter, started=head.take())
    finally:
        head.close()     # its workers: already consumed (then a no-op), or abandoned by an error
    results += [SourceResult("affiliations", "affiliation", error=problem) for problem in problems]
    return results


def _collect_all(con, settings: Settings, specs: list[SourceSpec], *, full: bool, since: str | None,
                 reporter: Reporter, started) -> tuple[list[SourceResult], list[str]]:
    """Every source's result, and the affiliation problems of the people rebuild."""
    results: list[SourceResult] = []
    sync_reference_tables(con, settings)
    collect_noop.record_fingerprint(con, settings)
    # one statement to register every source and one to record outcomes, not two per source
    # (600 repositories: ~25 ms each, 15 s in all)
    loader.register_sources(con, pl.DataFrame(
        {"source_id": [s.source_id for s in specs], "kind": [s.kind for s in specs],
         "location": [s.location or "" for s in specs]},
        schema=dict.fromkeys(("source_id", "kind", "location"), pl.String)))
    # the next git sources are read ahead by threads; this thread alone loads, in order
    ahead = ReadAhead(specs, lambda spec: _cursor(con, spec, full=full, since=since),
                      head_started=0 if started is not None else None)
    try:
        for index, spec in enumerate(specs):
            try:
                results.append(_collect_one(con, spec, full=full, since=since, reporter=reporter,
                                            read=ahead.take(index), started=started if index == 0 else None))
            finally:
                ahead.release(index)
    finally:   # outcomes of the sources that ran, even when a later one was interrupted
        ahead.close()
        loader.finish_sources(con, pl.DataFrame(
            {"source_id": [r.source_id for r in results], "error": [r.error for r in results],
             "rows": [r.rows for r in results]},
            schema={"source_id": pl.String, "error": pl.String, "rows": pl.Int64}))
    problems = rebuild_people(con, settings)  # identities -> people -> affiliations (healthdash.identity)
    return results, problems


def _report_up_to_date(settings: Settings, specs: list[SourceSpec], heads: dict[str, str],
                       reporter: Reporter) -> list[SourceResult]:
    """Outcomes of a run with nothing to do (:mod:`healthdash.collect_noop`)."""
    results = []
    for spec in specs:
        reporter.start(spec)
        results.append(SourceResult(spec.source_id, spec.kind, location=spec.location, up_to_date=True))
        reporter.finish(spec, results[-1])
    collect_noop.mark_checked(settings.warehouse, heads)
    return results


def _cursor(con, spec: SourceSpec, *, full: bool, since: str | None) -> str | None:
    return None if full else (since or loader.get_cursor(con, spec.source_id))


def _collect_one(con, spec: SourceSpec, *, full: bool, since: str | None, reporter: Reporter,
                 read: Callable | None = None, started=None) -> SourceResult:
    """Load one source (``read``: its batches read ahead, ``started``: its head start,
    :mod:`healthdash.collect_ahead`)."""
    result = SourceResult(spec.source_id, spec.kind, location=spec.location)
    cursor = None if read else _cursor(con, spec, full=full, since=since)
    started = collect_ahead.matching(started, cursor) if not read else None
    reporter.start(spec)
    progress: Callable[..., None] = lambda advance=0, message=None: reporter.advance(spec, advance, message)
    atomic = spec.kind in ATOMIC_KINDS
    if atomic:
        con.execute("BEGIN TRANSACTION")
    try:
        if read:
            batches = read(progress)
        elif started is not None:
            batches = collectors.get(spec.kind)(spec, cursor, progress=progress, started=started)
        else:
            batches = collectors.get(spec.kind)(spec, cursor, progress=progress)
        for batch in batches:
            result.rows += loader.load_batch(con, spec.source_id, batch, own_transaction=not atomic)
        if atomic:
            con.execute("COMMIT")
    except (SourceError, HealthdashError, OSError, ValueError, KeyError) as err:
        if atomic:
            con.execute("ROLLBACK")
            result.rows = 0
        result.error = _describe(spec, err)
    except (AttributeError, TypeError, IndexError) as err:
        # A payload of the wrong shape (valid JSON, wrong type) the collector did not check:
        # this source fails in one line; the finished sources and the later ones are kept.
        if atomic:
            con.execute("ROLLBACK")
            result.rows = 0
        result.error = _describe(spec, SourceError(f"unexpected data shape ({type(err).__name__}: {err})"))
    except BaseException:
        if atomic:
            con.execute("ROLLBACK")
        raise
    reporter.finish(spec, result)
    return result


def _describe(spec: SourceSpec, err: Exception) -> str:
    """One redacted line naming the source (:func:`healthdash.redact.redact`)."""
    text = err.message if isinstance(err, HealthdashError) else str(err)
    text = " ".join(text.split())
    line = text if spec.location and spec.location in text else f"{spec.source_id} ({spec.location}): {text}"
    return redact(line)


def raise_for_failures(results: list[SourceResult]) -> None:
    """Raise one short line (what succeeded, what failed) when any source failed.

    The causes are summarised by :func:`healthdash.collect_summary.failure_lines`;
    ``healthdash status --errors`` lists every failed source.
    """
    from healthdash.collect_summary import final_line
    if any(r.error for r in results):
        raise CollectorError(final_line(results))
