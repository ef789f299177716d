"""The ``healthdash`` command line: collect, rebuild, serve, demo, status, export.

Every command reads the same settings (``--config`` / ``HEALTHDASH_CONFIG`` /
``./healthdash.toml``).  Errors a user can cause print one line to stderr and
exit with status 1; nothing else is printed on failure.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Column, Table

from healthdash.errors import HealthdashError

app = typer.Typer(
    help="Project-health metrics for open-source communities: collect sources into a DuckDB "
         "warehouse, explore them in a dashboard, export the numbers.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
console = Console(stderr=True)

ConfigOption = typer.Option(None, "--config", "-c", help="Settings file (default: $HEALTHDASH_CONFIG or ./healthdash.toml).",
                            envvar="HEALTHDASH_CONFIG", show_envvar=False)


def _settings(config: Optional[Path]):
    from healthdash.settings import load_settings
    return load_settings(config)


@app.command()
def collect(
    sources: List[str] = typer.Argument(None, help="Sources to collect: a kind (git, gerrit, …), a source name, "
                                                   "or a path to a local git repository. Default: every configured source."),
    config: Optional[Path] = ConfigOption,
    since: Optional[str] = typer.Option(None, help="Start from this cursor instead of the stored one "
                                                   "(a date for HTTP sources, a commit for git)."),
    full: bool = typer.Option(False, "--full", help="Ignore stored cursors and collect everything again."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Processes reading one large git "
                                          "history (default: [collect] workers, else every core)."),
) -> None:
    """Collect sources into the warehouse (incremental: only what changed since the last run)."""
    from healthdash.collect import collect as run_collect, configured_sources, git_source, raise_for_failures, select_sources
    from healthdash.collect_summary import failure_lines, final_line
    from healthdash.progress import RichReporter

    settings = _settings(config)
    selectors = list(sources or [])
    paths = [s for s in selectors if Path(s).is_dir()]
    if paths:
        _require_git_repositories(paths)
        specs = [git_source(Path(p).resolve().name, str(Path(p).resolve())) for p in paths]
    else:
        specs = select_sources(configured_sources(settings), selectors)
    if not specs:
        raise HealthdashError(f"no sources configured in {settings.path or 'the default settings'}; "
                              "name a git repository path, e.g. `healthdash collect .`", title="nothing to collect")
    with RichReporter(console) as reporter:
        results = run_collect(settings, specs, full=full, since=since, reporter=reporter, workers=workers)
    from healthdash.redact import redact

    for line in failure_lines(results):
        console.print(redact(line), markup=False, highlight=False, soft_wrap=True)
    if results and all(r.up_to_date for r in results):
        console.print(f"every source up to date ({len(results):,}); {settings.warehouse} not rewritten",
                      markup=False, highlight=False, soft_wrap=True)
    elif not any(r.error for r in results):
        console.print(f"{final_line(results)} into {settings.warehouse}", markup=False, highlight=False,
                      soft_wrap=True)
    raise_for_failures(results)


def _require_git_repositories(paths: list[str]) -> None:
    """Refuse folders that are not git repositories before any warehouse is created."""
    from collectors.base import CollectorError as SourceError
    from collectors.git import check_repository

    for path in paths:
        try:
            check_repository(Path(path).resolve(), path)
        except SourceError as err:
            raise HealthdashError(f"{err}; give a repository path or configure sources in healthdash.toml",
                                  title="nothing to collect") from None


@app.command()
def rebuild(
    sources: List[str] = typer.Argument(None, help="HTTP sources to rebuild (a kind or a source name). "
                                                   "Default: every Gerrit, GitHub and Launchpad source."),
    config: Optional[Path] = ConfigOption,
) -> None:
    """Rebuild typed tables from the stored raw payloads of HTTP sources, without refetching."""
    from healthdash.rebuild import raise_for_failures, rebuild as run_rebuild, rebuildable_sources

    settings = _settings(config)
    results = run_rebuild(settings, rebuildable_sources(settings, list(sources or [])))
    for result in results:
        if not result.error:
            console.print(f"[green]rebuilt[/] {result.source_id}: {result.items:,} payloads, {result.rows:,} rows")
    raise_for_failures(results)


@app.command()
def serve(
    config: Optional[Path] = ConfigOption,
    host: str = typer.Option("127.0.0.1", help="Address to bind; use 0.0.0.0 only behind a proxy you trust."),
    port: int = typer.Option(8050, help="Port to listen on."),
    debug: bool = typer.Option(False, "--debug", help="Flask's development server with Dash debug mode and "
                               "reloader (development only); without it a production WSGI server (waitress)."),
) -> None:
    """Serve the dashboard (read-only; collections may run at the same time)."""
    from healthdash.dashboard.app import create_app
    from healthdash.dashboard.serving import serve_app
    from healthdash.warehouse import ensure

    settings = _settings(config)
    ensure(settings.warehouse)
    dash_app = create_app(settings)
    console.print(f"healthdash: serving {settings.warehouse} on http://{host}:{port}/")
    serve_app(dash_app, host=host, port=port, debug=debug)


@app.command()
def demo(
    directory: Path = typer.Option(Path("data/demo"), "--dir", help="Where to build the demo community."),
    seed: int = typer.Option(2026, help="Random seed: the same seed builds the same community."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Only build the demo warehouse, do not serve it."),
    host: str = typer.Option("127.0.0.1", help="Address to bind when serving."),
    port: int = typer.Option(8050, help="Port to serve on."),
) -> None:
    """Build a realistic demo community offline, collect it with the real collectors, and serve it."""
    from healthdash import demo as demo_module
    from healthdash.settings import load_settings

    from healthdash.progress import RichReporter

    console.print(f"building the demo community in {directory} (seed {seed}) …")
    with RichReporter(console) as reporter:
        config_path = demo_module.build(directory, seed=seed, reporter=reporter)
    settings = load_settings(config_path)
    console.print(f"[green]demo ready[/]: {settings.warehouse} (settings: {config_path})")
    if not no_serve:
        serve(config=config_path, host=host, port=port, debug=False)


@app.command()
def status(
    config: Optional[Path] = ConfigOption,
    errors: bool = typer.Option(False, "--errors", help="List every failed source with its error, one line each."),
    source: Optional[str] = typer.Option(None, "--source", help="Everything known about one source (id or name)."),
    show_all: bool = typer.Option(False, "--all", help="List every source even when there are many."),
    filters: str = typer.Option("", "--filter", help="Filters for the attribution shares, as a URL query string."),
) -> None:
    """Summary of sources (ok / failed / never run), attribution quality, sources and table row counts."""
    from healthdash.collect import configured_sources
    from healthdash.metrics import parse_filters
    from healthdash.metrics.attribution import attribution_rules
    from healthdash.metrics.cycles import resolve_cycle
    from healthdash.source_status import (attribution_line, error_lines, failure_summary, find_source,
                                          source_rows, summary_line)
    from healthdash.warehouse import latest_version, reader, row_counts, schema_version
    from healthdash.collect_noop import last_checked
    from healthdash.warehouse.store import stale_staging

    settings = _settings(config)
    out = Console()
    with reader(settings.warehouse) as con:
        version = schema_version(con.cursor())
        if version < latest_version():
            raise HealthdashError(f"the warehouse {settings.warehouse} has schema version {version}, older than "
                                  f"this healthdash ({latest_version()}); run `healthdash collect` to upgrade it",
                                  title="warehouse needs an upgrade")
        shares = attribution_rules(con.cursor(), resolve_cycle(con.cursor(), parse_filters(filters)))
        rows = source_rows(con.cursor(), configured_sources(settings))
        counts = row_counts(con.cursor())
    if source:
        return _print_source(out, rows, source, find_source)
    if errors:
        for line in error_lines(rows) or ["no source failed in its last run"]:
            out.print(line, markup=False, highlight=False, soft_wrap=True)
        return
    out.print(summary_line(rows), markup=False, highlight=False, soft_wrap=True)
    checked = last_checked(settings.warehouse)
    if checked and all(r.last_run_at is None or r.last_run_at <= checked[0] for r in rows):
        out.print(f"last checked {_when(checked[0])}: {len(checked[1]):,} git sources up to date "
                  "(nothing new, the warehouse was not rewritten)", markup=False, highlight=False)
    for line in failure_summary(rows):
        out.print("  " + line, markup=False, highlight=False, soft_wrap=True)
    out.print(attribution_line(shares), markup=False, highlight=False, soft_wrap=True)
    out.print(f"warehouse {settings.warehouse} (schema version {version})", markup=False, highlight=False)
    leftover = stale_staging(settings.warehouse)
    if leftover is not None:
        out.print(f"note: {leftover.name} was left by an interrupted collection; the next collect removes it",
                  markup=False, highlight=False)
    if len(rows) <= 40 or show_all:
        table = Table(Column("source", overflow="fold"), "kind", "last run", "last ok",   # full names, wrapped
                      "rows written by last run", Column("last error", overflow="fold"), title="Sources")
        for row in rows:
            table.add_row(row.source_id, row.kind, _when(row.last_run_at), _when(row.last_ok_at),
                          f"{row.rows:,}" if row.last_run_at else "", _short(row.error or "", 120))
        out.print(table)
    else:
        out.print(f"{len(rows):,} sources: `--all` lists them, `--errors` the failed ones, `--source NAME` one")
    counts_table = Table("table", "rows now", title="Row counts")
    for name, count in counts.items():
        counts_table.add_row(name, f"{count:,}")
    out.print(counts_table)


def _short(text: str, width: int) -> str:
    from healthdash.collect_summary import middle_ellipsis
    return middle_ellipsis(text, width)


def _print_source(out: Console, rows, name: str, find_source) -> None:
    found = find_source(rows, name)
    if not found:
        raise HealthdashError(f"no source called {name!r}; `healthdash status --all` lists them",
                              title="unknown source")
    for row in found:
        for label, value in (("source", row.source_id), ("kind", row.kind), ("location", row.location),
                             ("state", row.state), ("last run", _when(row.last_run_at)),
                             ("last ok", _when(row.last_ok_at)),
                             ("rows written by last run", f"{row.rows:,}"), ("cursor", row.cursor or ""),
                             ("last error", row.error or "")):
            out.print(f"{label:>25}: {value}", markup=False, highlight=False, soft_wrap=True)


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


@app.command()
def export(
    charts: List[str] = typer.Argument(None, help="Charts to export (default: all). See --list."),
    config: Optional[Path] = ConfigOption,
    out: Path = typer.Option(Path("export"), "--out", "-o", help="Directory to write into."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv or parquet."),
    filters: str = typer.Option("", "--filter", help="Filters as a URL query string, e.g. 'team=Compute&start=2025-01-01'."),
    list_charts: bool = typer.Option(False, "--list", help="List exportable charts and exit."),
) -> None:
    """Export the numbers behind the dashboard's charts as CSV (UTF-8 with BOM) or Parquet files.

    `healthdash export slides [CHART…] --filter Q -o DIR` writes DIR/index.html instead: an offline
    slide deck, one chart per 16:9 slide, plus each chart as SVG.
    """
    from healthdash.dashboard.charts import load_all
    from healthdash.export import export_charts
    from healthdash.metrics import parse_filters
    from healthdash.metrics.consistency import PAGE_KEYS
    from healthdash.metrics.cycles import resolve_cycle
    from healthdash.warehouse import reader

    registry = load_all()
    if list_charts:
        for name, chart in sorted(registry.items()):
            typer.echo(f"{name:32} {chart.title}")
        return
    if charts and charts[0] == "slides":
        from healthdash.deck import write_deck

        settings = _settings(config)
        with reader(settings.warehouse) as con:
            written = write_deck(con, registry, charts[1:], parse_filters(filters, extra_keys=("theme",)), out)
        console.print(f"wrote {out / 'index.html'} and {len(written) - 1} SVG file(s)")
        return
    unknown = [c for c in charts or [] if c not in registry]
    if unknown:
        raise HealthdashError(f"unknown chart {unknown[0]!r}; `healthdash export --list` shows them", title="export")
    settings = _settings(config)
    with reader(settings.warehouse) as con:
        parsed = resolve_cycle(con, parse_filters(filters, extra_keys=PAGE_KEYS))   # + matrix, target_a/b
        skipped: dict[str, str] = {}
        written = export_charts(con, charts or sorted(registry), parsed, out, fmt, skipped=skipped)
    for name, why in skipped.items():
        console.print(f"skipped {name}: {why}", markup=False, highlight=False)
    console.print(f"wrote {len(written)} file(s) to {out}")


@app.command()
def init(
    projects_yaml: Path = typer.Argument(..., help="Governance projects.yaml (teams -> deliverables -> repos)."),
    series_status: Optional[Path] = typer.Option(None, "--series", help="Release series_status.yaml for release cycles."),
    repo_template: Optional[str] = typer.Option(None, "--repos", help="Where repositories live: a URL or path "
                                                "template; {name} is the repository name without its namespace "
                                                "(swift), {repo} the full name (openstack/swift)."),
    affiliations: List[Path] = typer.Option(None, "--affiliations", help="Affiliation files (Stackalytics "
                                            "default_data.json, gitdm files, CSV email,org,start,end); repeat "
                                            "the option for several, earlier ones win."),
    teams: List[str] = typer.Option(None, "--team", help="Only this team's repositories (repeat for several)."),
    only_existing: bool = typer.Option(False, "--only-existing", help="Only repositories whose --repos path "
                                       "exists on this machine."),
    add_repos: List[str] = typer.Option(None, "--add-repo", help="A repository no deliverable lists, e.g. "
                                        "openstack/governance or 'openstack/governance=Technical Committee'."),
    out: Path = typer.Option(Path("healthdash.toml"), "--out", "-o", help="Settings file to write."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a healthdash.toml from the community's governance (and affiliation) files."""
    from collectors.base import CollectorError
    from healthdash.init_config import write_settings

    try:
        written, count = write_settings(out, projects_yaml, series_status, repo_template=repo_template, force=force,
                                        affiliations=list(affiliations or []), teams=list(teams or []),
                                        only_existing=only_existing, extra_repos=list(add_repos or []))
    except CollectorError as err:
        raise HealthdashError(str(err), title="cannot read governance file") from err
    console.print(f"wrote {written} ({count:,} {'repository' if count == 1 else 'repositories'})")


def _register_subcommands() -> None:
    from healthdash.identity.cli import import_affiliations, people_app
    from healthdash.parquet_cli import register as register_parquet

    app.add_typer(people_app, name="people")
    app.command("import-affiliations")(import_affiliations)
    register_parquet(app)   # export-warehouse / import-warehouse


_register_subcommands()


def main() -> None:
    from healthdash.logs import configure as configure_logging

    configure_logging()
    try:
        app()
    except HealthdashError as err:
        from healthdash.redact import redact

        sys.stderr.write(redact(err.one_line()) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
