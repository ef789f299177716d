"""Settings of the Commonality and Consistency areas -> sources, collector options, reference rows.

Used by the collection runner (:mod:`healthdash.collect`).  The ``[commonality]``
section names the community's global requirements / constraints files (one
``requirements`` source), its common libraries (the ``common_libraries``
table, with every repository marked ``common_library = true``) and the
configuration and logging libraries whose imports the git collector's
convention checks look for.  A ``feature_matrix`` source naming ``repo`` +
``file`` reads the file at the head of that repository's clone.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import polars as pl

from collectors.base import SourceSpec
from healthdash.errors import ConfigError
from healthdash.settings import Settings
from healthdash.warehouse import load as loader


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def content_options(settings: Settings) -> dict[str, str]:
    """Options of every git source for reading its content (the libraries to look for)."""
    section = settings.section("commonality")
    return {key: section[key] for key in ("config_library", "logging_library") if section.get(key)}


def with_options(spec: SourceSpec, options: dict) -> SourceSpec:
    return replace(spec, options={**spec.options, **options}) if options else spec


def requirements_sources(settings: Settings) -> list[SourceSpec]:
    """The ``requirements`` source of ``[commonality]`` (none when neither file is named)."""
    section = settings.section("commonality")
    files = {key: str(settings.resolve(section[key])) for key in ("global_requirements", "constraints")
             if section.get(key)}
    if not files:
        return []
    location = files.get("global_requirements") or files["constraints"]
    return [SourceSpec("requirements", "requirements:global", location, files)]


def repo_location(settings: Settings, repo: str, clone_dir: Path) -> str:
    """Where a configured repository's git data lives: its path, or the clone of its URL."""
    known = settings.repos.get(repo)
    if known is None:
        where = settings.path or "settings"
        raise ConfigError(f"{where}: feature_matrix source names repo {repo!r}, which is not a configured repo")
    return known.path or str(clone_dir)


def common_library_frame(settings: Settings) -> pl.DataFrame:
    """name, label, origin of each common library (settings first, then marked repositories)."""
    rows: dict[str, tuple[str, str]] = {}
    for label in settings.section("commonality").get("common_libraries", []):
        if not isinstance(label, str):
            raise ConfigError(f"{settings.path}: key 'commonality.common_libraries' must list names")
        rows.setdefault(_normalise(label), (label, "settings"))
    for repo in settings.repos.values():
        if repo.common_library:
            rows.setdefault(_normalise(repo.name), (repo.name, "repo"))
    return pl.DataFrame({"name": list(rows), "label": [v[0] for v in rows.values()],
                         "origin": [v[1] for v in rows.values()]},
                        schema={"name": pl.String, "label": pl.String, "origin": pl.String})


def sync_common_libraries(con, settings: Settings) -> None:
    loader.replace_table(con, "common_libraries", common_library_frame(settings))
