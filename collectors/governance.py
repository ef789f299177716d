"""Governance files -> teams, projects, repositories and release cycles.

Pure parsers for the two files a TC-governed community already maintains:
the governance ``projects.yaml`` (team -> deliverables -> repos) and the
release team's ``series_status.yaml`` (series with their release dates).
A development cycle runs from the previous series' release to this one's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import yaml

from collectors.base import CollectorError


@dataclass(frozen=True)
class GovernanceRepo:
    team: str
    project: str
    repo: str


@dataclass(frozen=True)
class Cycle:
    name: str
    start: date
    end: date


def _load(text: str, origin: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise CollectorError(f"{origin}: not valid YAML{where}") from err


def parse_projects_yaml(text: str, origin: str = "projects.yaml") -> list[GovernanceRepo]:
    """Every (team, deliverable, repo) triple, in file order."""
    data = _load(text, origin)
    if not isinstance(data, dict):
        raise CollectorError(f"{origin}: expected a mapping of team names at the top level")
    found = []
    for team, body in data.items():
        deliverables = (body or {}).get("deliverables") or {}
        if not isinstance(deliverables, dict):
            raise CollectorError(f"{origin}: team {team!r} has 'deliverables' that is not a mapping")
        for project, spec in deliverables.items():
            for repo in (spec or {}).get("repos") or []:
                found.append(GovernanceRepo(str(team), str(project), str(repo)))
    return found


def parse_series_status(text: str, origin: str = "series_status.yaml") -> list[Cycle]:
    """Development cycles, oldest first: (previous release, this release]."""
    data = _load(text, origin)
    if not isinstance(data, list):
        raise CollectorError(f"{origin}: expected a list of series")
    releases = []
    for index, series in enumerate(data):
        if not isinstance(series, dict) or "initial-release" not in series or "name" not in series:
            raise CollectorError(f"{origin}: series #{index + 1} lacks 'name' or 'initial-release'")
        released = series["initial-release"]
        if not isinstance(released, date):
            raise CollectorError(f"{origin}: series {series['name']!r} has initial-release {released!r}, not a date")
        label = str(series.get("release-id") or series["name"])
        if series.get("release-id"):
            label = f"{label} {str(series['name']).capitalize()}"
        releases.append((released, label))
    releases.sort()
    return [Cycle(label, start + timedelta(days=1), end)
            for (start, _), (end, label) in zip(releases, releases[1:])]
