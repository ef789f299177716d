"""Settings: one TOML file describing the community and where data comes from.

Discovery order: ``--config PATH``, then ``$HEALTHDASH_CONFIG``, then
``./healthdash.toml`` if it exists, else built-in defaults (no teams, the
warehouse at ``data/healthdash.duckdb``).  Relative paths in the file are
relative to the file's directory.  Every key is declared in ``SCHEMA``;
an unknown key or a wrong type is a :class:`ConfigError` naming the key and
the file.  Tokens never live here: sources name an environment variable.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from healthdash.errors import ConfigError

DEFAULT_WAREHOUSE = "data/healthdash.duckdb"

#: ``[scorecard]`` defaults (healthdash/metrics/scorecard.py holds the formula).  Each indicator
#: scores 100 at ``<indicator>_good`` and 0 at ``<indicator>_bad``, linearly between (either may be
#: the larger: lower is better for days and hours); an area's score is the mean of its indicators
#: that have data; green from ``green_min``, amber from ``amber_min``, red below; an arrow shows a
#: change of at least ``trend_min_points`` since the previous release cycle.
SCORECARD_DEFAULTS: dict[str, float] = {
    "green_min": 75, "amber_min": 50, "trend_min_points": 5,
    # quality
    "coverage_good": 0.80, "coverage_bad": 0.40,                      # line coverage, latest report
    "bug_outflow_good": 1.0, "bug_outflow_bad": 0.5,                  # bugs closed / bugs opened
    "first_review_hours_good": 24, "first_review_hours_bad": 168,     # median hours to first review
    # security
    "security_fix_days_good": 30, "security_fix_days_bad": 180,       # median days to fix
    "review_coverage_good": 0.95, "review_coverage_bad": 0.60,        # commits landed through review
    # neutrality
    "top_org_share_good": 0.35, "top_org_share_bad": 0.90,           # biggest organisation's share
    "effective_orgs_good": 5, "effective_orgs_bad": 1.5,              # 1 / HHI
    # commonality
    "library_adoption_good": 0.80, "library_adoption_bad": 0.20,      # common libraries used
    "dependency_drift_good": 0.0, "dependency_drift_bad": 0.50,       # repos outside the constraints
    "duplicate_share_good": 0.02, "duplicate_share_bad": 0.20,        # duplicated lines
    # consistency
    "convention_conformance_good": 0.90, "convention_conformance_bad": 0.50,
    "matrix_completeness_good": 0.90, "matrix_completeness_bad": 0.50,
}

#: Declared keys: name -> type, or a nested dict for a table, or [dict] for an
#: array of tables.  ``dict`` alone means "free mapping of str -> str".
SCHEMA: dict[str, Any] = {
    "warehouse": str,
    "unknown_org": str,                    # one name for unmapped domains (default "<domain> (unmapped)")
    "teams": [{
        "name": str, "description": str,
        "projects": [{"name": str, "repos": list}],
    }],
    "repos": {"*": {"path": str, "url": str, "branch": str, "common_library": bool,
                    "mailmap": str}},
    "release_cycles": [{"name": str, "start": date, "end": date}],
    "bots": {"patterns": list},
    "domains": {"*": str},                 # email domain -> organisation
    "public_mail_domains": list,
    "sources": [{
        "kind": str, "name": str, "url": str, "path": str, "token_env": str,
        "projects": list, "repos": list, "query": str, "labels": list, "glob": str,
        "repo": str, "security_labels": list, "include_private": bool,
        "measured_at": str, "commit_sha": str, "timezone": str, "strip_prefix": str,  # coverage
        "timeout": float, "retries": int, "backoff_base": float, "backoff_cap": float,  # HTTP client
        "max_wait": float, "cache_dir": str,
        "page_size": int, "overlap_minutes": int, "ci_accounts": list,  # gerrit / github reviews
        "file": str,                                                    # feature_matrix: a file in `repo`
    }],
    "commonality": {"global_requirements": str, "constraints": str, "common_libraries": list,
                    "config_library": str, "logging_library": str},
    "governance": {"window_days": int, "diverse_top1_max": float, "diverse_top2_max": float,
                   "single_vendor_min": float, "active_core_min_reviews": int,
                   "active_core_min_commit_share": float},
    "affiliations": {"files": list, "overrides": str},
    "collect": {"workers": int, "split_min_commits": int},   # processes per git history (collectors.gitsplit)
    "security": {"count_private_in_aggregates": bool, "advisories": str, "frame_ancestors": list},
    "thresholds": {"*": float},
    "scorecard": {key: float for key in SCORECARD_DEFAULTS},
}


@dataclass(frozen=True)
class Repo:
    name: str
    project: str
    team: str
    path: str | None = None
    url: str | None = None
    branch: str | None = None
    common_library: bool = False


@dataclass(frozen=True)
class ReleaseCycle:
    name: str
    start: date
    end: date


@dataclass
class Settings:
    """Validated settings; ``raw`` keeps every declared section for later issues."""

    path: Path | None
    warehouse: Path
    teams: dict[str, str] = field(default_factory=dict)            # team -> description
    projects: dict[str, str] = field(default_factory=dict)         # project -> team
    repos: dict[str, Repo] = field(default_factory=dict)
    release_cycles: list[ReleaseCycle] = field(default_factory=list)
    bot_patterns: list[str] = field(default_factory=list)
    domains: dict[str, str] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)
    scorecard: dict[str, float] = field(default_factory=lambda: dict(SCORECARD_DEFAULTS))
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def resolve(self, value: str) -> Path:
        """A path from the file, made absolute against the file's directory."""
        candidate = Path(value).expanduser()
        return Path(os.path.normpath(candidate if candidate.is_absolute() else self.base_dir / candidate))

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.raw.get(name) or {})


def find_config(explicit: str | os.PathLike | None = None) -> Path | None:
    if explicit:
        return Path(explicit)
    env = os.environ.get("HEALTHDASH_CONFIG")
    if env:
        return Path(env)
    local = Path.cwd() / "healthdash.toml"
    return local if local.exists() else None


def load_settings(explicit: str | os.PathLike | None = None) -> Settings:
    path = find_config(explicit)
    if path is None:
        return Settings(path=None, warehouse=Path.cwd() / DEFAULT_WAREHOUSE)
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except UnicodeDecodeError as err:
        line = err.object[:err.start].count(b"\n") + 1
        raise ConfigError(f"{path}: line {line}: not UTF-8 text (byte 0x{err.object[err.start]:02x}); "
                          "save the settings file as UTF-8") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a folder, not a file") from None
    except PermissionError:
        raise ConfigError(f"config file {path} cannot be read (permission denied)") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({' '.join(str(err).split())})") from None
    _check(raw, SCHEMA, path, "")
    return _build(raw, path.resolve())


def _check(value: Any, schema: Any, path: Path, where: str) -> None:
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: key '{where}' must be a table")
        for key, item in value.items():
            name = f"{where}.{key}" if where else key
            if key in schema:
                _check(item, schema[key], path, name)
            elif "*" in schema:
                _check(item, schema["*"], path, name)
            else:
                raise ConfigError(f"{path}: unknown key '{name}'")
    elif isinstance(schema, list):
        if not isinstance(value, list):
            raise ConfigError(f"{path}: key '{where}' must be an array")
        for index, item in enumerate(value):
            _check(item, schema[0], path, f"{where}[{index}]")
    elif schema is float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ConfigError(f"{path}: key '{where}' must be a number")
    elif schema is date:
        if not isinstance(value, date):
            raise ConfigError(f"{path}: key '{where}' must be a date like 2024-04-03")
    elif not isinstance(value, schema) or (schema is int and isinstance(value, bool)):
        raise ConfigError(f"{path}: key '{where}' must be of type {schema.__name__}")


def _build(raw: dict[str, Any], path: Path) -> Settings:
    settings = Settings(path=path, warehouse=path.parent / DEFAULT_WAREHOUSE, raw=raw)
    if "warehouse" in raw:
        settings.warehouse = settings.resolve(raw["warehouse"])
    repo_tables = raw.get("repos", {})
    for t_index, team in enumerate(raw.get("teams", [])):
        team_name = _required(team, "name", path, f"teams[{t_index}]")
        settings.teams[team_name] = team.get("description", "")
        for p_index, project in enumerate(team.get("projects", [])):
            where = f"teams[{t_index}].projects[{p_index}]"
            project_name = _required(project, "name", path, where)
            if project_name in settings.projects:
                raise ConfigError(f"{path}: project '{project_name}' is listed twice ({where})")
            settings.projects[project_name] = team_name
            for repo_name in project.get("repos", []):
                if not isinstance(repo_name, str):
                    raise ConfigError(f"{path}: key '{where}.repos' must list repository names")
                spec = repo_tables.get(repo_name, {})
                settings.repos[repo_name] = Repo(
                    name=repo_name, project=project_name, team=team_name,
                    path=str(settings.resolve(spec["path"])) if "path" in spec else None,
                    url=spec.get("url"), branch=spec.get("branch"),
                    common_library=spec.get("common_library", False),
                )
    for name in repo_tables:
        if name not in settings.repos:
            raise ConfigError(f"{path}: key 'repos.{name}' is not listed in any team's project")
    for index, cycle in enumerate(raw.get("release_cycles", [])):
        where = f"release_cycles[{index}]"
        settings.release_cycles.append(ReleaseCycle(
            _required(cycle, "name", path, where), _required(cycle, "start", path, where),
            _required(cycle, "end", path, where)))
    settings.bot_patterns = [p.lower() for p in raw.get("bots", {}).get("patterns", [])]
    settings.domains = {k.lower(): v for k, v in raw.get("domains", {}).items()}
    for index, source in enumerate(raw.get("sources", [])):
        _check_kind(_required(source, "kind", path, f"sources[{index}]"), path, f"sources[{index}]")
        settings.sources.append(dict(source))
    settings.scorecard = _scorecard(raw.get("scorecard", {}), path)
    return settings


def _scorecard(section: dict[str, Any], path: Path) -> dict[str, float]:
    """``[scorecard]`` over its defaults, with bounds that make a score computable."""
    values = {**SCORECARD_DEFAULTS, **{k: float(v) for k, v in section.items()}}
    if not 0 < values["amber_min"] < values["green_min"] <= 100:
        raise ConfigError(f"{path}: key 'scorecard': amber_min ({values['amber_min']:g}) and green_min "
                          f"({values['green_min']:g}) must satisfy 0 < amber_min < green_min <= 100")
    if values["trend_min_points"] < 0:
        raise ConfigError(f"{path}: key 'scorecard.trend_min_points' must not be negative")
    for key in SCORECARD_DEFAULTS:
        if key.endswith("_good") and values[key] == values[key[:-5] + "_bad"]:
            raise ConfigError(f"{path}: key 'scorecard.{key}' equals '{key[:-5]}_bad' "
                              f"({values[key]:g}): a score needs two different bounds")
    return values


def _check_kind(kind: str, path: Path, where: str) -> None:
    """An unknown source kind is a configuration error for every command (status too), not only collect."""
    from collectors import REGISTRY
    if kind not in REGISTRY:
        raise ConfigError(f"{path}: key '{where}.kind' is {kind!r}, not a known source kind "
                          f"({', '.join(sorted(REGISTRY))})")


def _required(table: dict[str, Any], key: str, path: Path, where: str) -> Any:
    if key not in table:
        raise ConfigError(f"{path}: key '{where}.{key}' is required")
    return table[key]
