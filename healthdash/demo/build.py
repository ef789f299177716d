"""The demo build pipeline: community -> parts -> healthdash.toml -> real collection.

``healthdash demo`` calls :func:`build`.  It generates the seeded community,
starts a local :class:`~healthdash.demo.server.DemoServer`, runs every part in
:data:`PARTS` in order, writes ``<demo_dir>/healthdash.toml`` and (unless
``collect=False``) collects every configured source through the real
collectors into the demo warehouse while the server is still up.

How to write a part
-------------------
A part is a plain function ``part(ctx: DemoContext) -> None`` in its own module
of this package (``reviews.py``, ``bugs.py``, ``coverage.py`` ...), appended to
:data:`PARTS` (order matters: a part may use what earlier parts left in
``ctx.shared``).  It

* reads the community from ``ctx.community`` (people, teams, repos, cycles) and
  draws randomness only from ``ctx.rng("<part name>")`` so the demo stays
  deterministic;
* writes files under ``ctx.path("<its folder>")`` (created on demand) and/or
  serves recorded-style API pages with ``ctx.server.add_route("/gerrit/", handler)``
  (URLs start with ``ctx.server.url``);
* describes what it made in ``ctx.config`` (the TOML document as a dict):
  ``ctx.add_source("gerrit", name="review", url=ctx.server.url + "/gerrit", ...)``
  for a ``[[sources]]`` entry, ``ctx.config["affiliations"] = {...}`` for a section,
  ``ctx.config["repos"][name]`` for a repository's keys;
* leaves outputs later parts need in ``ctx.shared`` (the git part leaves
  ``ctx.shared["commits"]``: a list of :class:`~healthdash.demo.git_history.CommitRecord`,
  so review changes can match commits by Change-Id, and
  ``ctx.shared["repo_paths"]``: repo name -> its git directory).

Every key a part puts in the config must be declared in
``healthdash.settings.SCHEMA``; the build validates the file with
``load_settings`` before collecting.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable

from healthdash.demo.community import Community, generate
from healthdash.demo.context import DemoContext
from healthdash.demo.server import DemoServer
from healthdash.demo.toml_writer import dumps
from healthdash.errors import ConfigError

MARKER = ".healthdash-demo"


Part = Callable[[DemoContext], None]


def _git_part(ctx: DemoContext) -> None:
    from healthdash.demo.git_history import git_part

    git_part(ctx)


def _coverage_part(ctx: DemoContext) -> None:
    from healthdash.demo.coverage import coverage_part

    coverage_part(ctx)


def _reviews_part(ctx: DemoContext) -> None:
    from healthdash.demo.reviews import reviews_part

    reviews_part(ctx)


#: The demo's parts, run in order.  Later issues append theirs (affiliation, reviews, bugs, coverage).
def _affiliation_part(ctx: DemoContext) -> None:
    from healthdash.demo.affiliation import affiliation_part

    affiliation_part(ctx)


def _issues_part(ctx: DemoContext) -> None:
    from healthdash.demo.issues import issues_part

    issues_part(ctx)


def _bugs_part(ctx: DemoContext) -> None:
    from healthdash.demo.bugs import bugs_part

    bugs_part(ctx)


def _commonality_part(ctx: DemoContext) -> None:
    from healthdash.demo.commonality import commonality_part

    commonality_part(ctx)


PARTS: list[Part] = [_git_part, _coverage_part, _reviews_part, _issues_part, _affiliation_part, _bugs_part,
                     _commonality_part]


def base_config(community: Community, demo_dir: Path, warehouse: Path) -> dict[str, Any]:
    """The config every part starts from: organisation of the community, bots, domains, cycles."""
    teams = []
    for team in community.teams.values():
        teams.append({"name": team.name, "description": team.description, "projects": [
            {"name": p, "repos": list(community.projects[p].repos)} for p in team.projects]})
    return {
        "warehouse": os.path.relpath(warehouse, demo_dir),
        "teams": teams,
        "repos": {name: {"common_library": True} if repo.common_library else {}
                  for name, repo in community.repos.items()},
        "release_cycles": [{"name": c.name, "start": c.start, "end": c.end} for c in community.cycles],
        "bots": {"patterns": list(community.bot_patterns)},
        "domains": community.domain_map(),
        "public_mail_domains": list(community.public_mail_domains),
    }


def build(demo_dir: str | os.PathLike, *, seed: int = 2026, collect: bool = True,
          warehouse: str | os.PathLike | None = None, scale: float = 1.0,
          parts: list[Part] | None = None, reporter=None) -> Path:
    """Build the demo under ``demo_dir``; return the written ``healthdash.toml``.

    Rebuilding wipes ``demo_dir`` (only if an earlier build made it) and, when
    collecting, the demo warehouse (default ``<demo_dir>/../demo.duckdb``).
    """
    demo_dir = Path(demo_dir).resolve()
    warehouse_path = Path(warehouse).resolve() if warehouse else demo_dir.parent / "demo.duckdb"
    _fresh_directory(demo_dir)
    community = generate(seed)
    with DemoServer() as server:
        ctx = DemoContext(community, demo_dir, server, base_config(community, demo_dir, warehouse_path),
                          seed=seed, scale=scale)
        for part in PARTS if parts is None else parts:
            part(ctx)
        config_path = demo_dir / "healthdash.toml"
        config_path.write_text(_header(seed, scale) + dumps(ctx.config), "utf-8")
        if collect:
            _collect(config_path, reporter)
    return config_path


def _collect(config_path: Path, reporter) -> None:
    from healthdash.collect import collect, configured_sources, raise_for_failures
    from healthdash.settings import load_settings

    settings = load_settings(config_path)
    _remove_warehouse(settings.warehouse)
    raise_for_failures(collect(settings, configured_sources(settings), reporter=reporter))


def _header(seed: int, scale: float) -> str:
    return (f"# healthdash demo community (seed {seed}, scale {scale}), written by `healthdash demo`.\n"
            "# Regenerated on every build: edit a copy, not this file.  HTTP sources point at the\n"
            "# build's temporary local server: re-run `healthdash demo` to collect them again.\n\n")


def _fresh_directory(demo_dir: Path) -> None:
    if demo_dir.exists() and any(demo_dir.iterdir()):
        if not (demo_dir / MARKER).exists():
            raise ConfigError(f"{demo_dir} exists and was not made by `healthdash demo`; "
                              "refusing to delete it (choose another directory)")
        shutil.rmtree(demo_dir)
    demo_dir.mkdir(parents=True, exist_ok=True)
    (demo_dir / MARKER).write_text("made by healthdash demo; the whole folder is rebuilt on each run\n")


def _remove_warehouse(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".staging"),
                      path.with_name(path.name + ".staging.wal")):
        candidate.unlink(missing_ok=True)
