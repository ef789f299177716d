"""``healthdash people …`` and ``healthdash import-affiliations``: explain and correct attribution.

Wired into :mod:`healthdash.cli` by the lead::

    app.add_typer(people_app, name="people")
    app.command("import-affiliations")(import_affiliations)

``people show`` explains how a person was merged and where each of their
contributions went and why; ``people fix`` appends one line to the overrides
file and rebuilds people at once (no re-collection); ``people changes`` lists
people whose organisation changed.  Errors are HealthdashErrors: the main CLI
prints them on one line.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from healthdash.errors import ConfigError, HealthdashError

people_app = typer.Typer(help="Explain and correct how identities become people and organisations.",
                         no_args_is_help=True, add_completion=False)


class _Out:
    """A console made per call, so the terminal width (``COLUMNS``) is read when printing."""

    def print(self, *args, **kwargs) -> None:
        Console().print(*args, **kwargs)


out = _Out()

ConfigOption = typer.Option(None, "--config", "-c", envvar="HEALTHDASH_CONFIG", show_envvar=False,
                            help="Settings file (default: $HEALTHDASH_CONFIG or ./healthdash.toml).")


def _settings(config: Optional[Path]):
    from healthdash.settings import load_settings
    return load_settings(config)


def _table(title: str, frame, columns: list[str] | None = None) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    columns = columns or frame.columns
    for column in columns:
        table.add_column(column)
    for row in frame.select(columns).iter_rows():
        table.add_row(*["" if v is None else str(v) for v in row])
    return table


@people_app.command()
def show(who: str = typer.Argument(..., help="An email address, a person id (email:…) or an identity id."),
         config: Optional[Path] = ConfigOption) -> None:
    """Explain one person: merged identities and why, affiliation periods, attributed contributions."""
    from healthdash.identity.explain import explain_person
    from healthdash.warehouse import reader

    settings = _settings(config)
    with reader(settings.warehouse) as con:
        report = explain_person(con, who)
    out.print(f"[bold]{report.display_name}[/]  person id: {report.person_id}", highlight=False)
    if report.is_bot:
        out.print(f"bot (excluded from participation): {report.bot_reason or 'marked as a bot'}",
                  markup=False, highlight=False)
    out.print(_table("Identities (and the rule that merged each)", report.identities))
    if report.periods.height:
        out.print(_table("Affiliation periods (valid_to exclusive; lower rank wins)", report.periods))
    out.print(_table("Contributions by organisation and the rule behind it", report.contributions))
    out.print("[bold]To correct[/] add a line to the overrides file (or run `healthdash people fix …`):")
    for line in report.suggestions:
        out.print(f"  {line}", markup=False, highlight=False)


@people_app.command(context_settings={"allow_extra_args": False})
def fix(words: List[str] = typer.Argument(..., help="One overrides line, e.g. "
                                                     "affiliation ada@x.example \"Vendor A\" from 2022-01-01 | "
                                                     "merge a@x.example b@y.example | split a@x.example | bot ci@x.example"),
        config: Optional[Path] = ConfigOption) -> None:
    """Record a correction in the overrides file and rebuild people now."""
    from healthdash.identity import overrides
    from healthdash.warehouse import writer
    from healthdash.warehouse.identity_load import overrides_path, rebuild_people

    settings = _settings(config)
    path = overrides_path(settings)
    if path is None:
        raise ConfigError("`people fix` needs a settings file: its [affiliations] overrides file "
                          "(default overrides.txt beside it) records the correction")
    line = " ".join(shlex.quote(w) for w in words)
    overrides.append_line(path, line)
    with writer(settings.warehouse) as con:
        problems = rebuild_people(con, settings)
        people = con.execute("SELECT count(*) FROM people").fetchall()[0][0]
    out.print(f"added to {path}: {line}")
    out.print(f"rebuilt {people:,} people in {settings.warehouse}")
    for problem in problems:
        out.print(f"[yellow]warning:[/] {problem}")


@people_app.command()
def changes(config: Optional[Path] = ConfigOption,
            since: Optional[str] = typer.Option(None, help="Only changes on or after this date (YYYY-MM-DD)."),
            team: Optional[List[str]] = typer.Option(None, help="Only contributions to these teams.")) -> None:
    """List people whose organisation changed, when, and which rule gave the new one."""
    from healthdash.metrics import neutrality, parse_filters
    from healthdash.warehouse import reader

    filters = parse_filters({"start": since, "team": team or []})
    settings = _settings(config)
    with reader(settings.warehouse) as con:
        frame = neutrality.affiliation_changes(con, filters)
    if frame.height == 0:
        out.print("no affiliation changes for these filters")
        return
    out.print(_table("Affiliation changes", frame,
                     ["person", "changed_on", "from_org", "to_org", "last_day_before", "rule", "source"]))


def import_affiliations(
    files: List[str] = typer.Argument(..., help="Stackalytics default_data.json, gitdm developers_affiliations*.txt "
                                               "/ email-map / domain-map / aliases, a CSV (email,org,start,end), "
                                               ".mailmap or overrides; FORMAT:path forces a format."),
    config: Optional[Path] = ConfigOption,
) -> None:
    """Import affiliation files into the warehouse and rebuild people (takes effect at once)."""
    from healthdash.identity.importers import read_file, split_format
    from healthdash.warehouse import writer
    from healthdash.warehouse.identity_load import rebuild_people, store_imported

    settings = _settings(config)
    parsed = [read_file(f) for f in files]      # every file is checked before anything is written
    with writer(settings.warehouse) as con:
        for index, imported in enumerate(parsed):
            rank = 0 if imported.format == "overrides" else 100 + index
            store_imported(con, imported, rank=rank, path=str(split_format(files[index])[1].resolve()))
        problems = rebuild_people(con, settings)
        people = con.execute("SELECT count(*) FROM people").fetchall()[0][0]
    for imported in parsed:
        out.print(f"{imported.origin} ({imported.format}): {len(imported.periods)} periods, "
                  f"{len(imported.domains)} domains, {len(imported.links)} links")
    out.print(f"rebuilt {people:,} people in {settings.warehouse}")
    for problem in problems:
        out.print(f"[yellow]warning:[/] {problem}")


__all__ = ["people_app", "import_affiliations", "HealthdashError"]
