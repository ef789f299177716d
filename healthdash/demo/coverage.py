"""Demo part: coverage reports with a believable history, in all three formats.

Runs inside :func:`healthdash.demo.build.build` after the git part.  Every demo
repository gets a nightly-CI-style report once a month, laid out like CI
artifacts by date (``coverage/<repo>/<YYYY-MM-DD>/<file>``), so the real
coverage collector reads them exactly as it would read a project's artifacts:

* coverage.py JSON (``coverage json``) for some repos, Cobertura XML
  (``coverage xml``) for others, lcov tracefiles for the rest -- with branch
  figures where the repo's CI measures branches;
* ``placard`` also publishes its latest report at a URL served by the
  :class:`~healthdash.demo.server.DemoServer` (fetched with the shared HTTP client);
* most repositories improve slowly, the common libraries stay high, and
  ``glacier`` regresses (a big untested feature lands in mid-2025).

Figures are generated per file (statements per module grow over time), so a
report's totals always equal the sum of its files.  Deterministic: randomness
only from ``ctx.rng("coverage")``.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from typing import Mapping

from healthdash.demo.context import DemoContext
from healthdash.demo.community import END_DATE, Repo
from healthdash.demo.model import END_AT
from healthdash.demo.content import code_paths

FIRST_MONTH = date(2024, 3, 1)
FILE_NAMES = {"json": "coverage.json", "xml": "coverage.xml", "lcov": "coverage.info"}
#: The repository whose latest report is published at a URL (the rest are CI artifacts).
PUBLISHED_REPO = "placard"


@dataclass(frozen=True)
class Profile:
    """How a repository's CI measures coverage and where its figure goes over time."""

    fmt: str                 # json | xml | lcov
    start: float             # line coverage at the first report
    end: float               # ... and at the last one
    branches: bool = False
    drop_at: float | None = None   # fraction of the history where a sudden drop happens (regression)


PROFILES: dict[str, Profile] = {
    "nimbus": Profile("json", 0.61, 0.78, branches=True),
    "python-nimbusclient": Profile("json", 0.80, 0.83),
    "placard": Profile("lcov", 0.50, 0.72),
    "strata": Profile("xml", 0.66, 0.74, branches=True),
    "python-strataclient": Profile("xml", 0.77, 0.79),
    "glacier": Profile("xml", 0.76, 0.57, drop_at=0.55),
    "meshnet": Profile("json", 0.68, 0.70, branches=True),
    "python-meshnetclient": Profile("lcov", 0.72, 0.75),
    "meshnet-lib": Profile("lcov", 0.70, 0.86, branches=True),
    "common.config": Profile("json", 0.90, 0.93),
    "common.log": Profile("json", 0.88, 0.91),
    "common.messaging": Profile("xml", 0.81, 0.84, branches=True),
}


@dataclass(frozen=True)
class FileFigures:
    path: str
    statements: int
    covered: int
    branches: int
    branches_covered: int


def coverage_part(ctx: DemoContext) -> None:
    """Write every repo's monthly reports, serve placard's latest, and add the sources."""
    rng = ctx.rng("coverage")
    published: dict[str, tuple[bytes, datetime]] = {}
    for name, repo in ctx.community.repos.items():
        profile = PROFILES.get(name)
        if profile is None:
            continue
        runs = _run_times(repo, rng, ctx.scale)
        files = _file_bases(repo, rng)
        folder = ctx.path("coverage", name)
        for index, when in enumerate(runs):
            figures = _figures(files, profile, index / max(1, len(runs) - 1), rng)
            is_latest = index == len(runs) - 1
            if name == PUBLISHED_REPO and is_latest:
                published[name] = (cobertura_xml(figures, when, branches=profile.branches).encode(), when)
                continue
            day = folder / when.date().isoformat()
            day.mkdir(exist_ok=True)
            (day / FILE_NAMES[profile.fmt]).write_text(_render(profile, figures, when), "utf-8")
        ctx.add_source("coverage", name=f"{name}-ci-coverage", repo=name, path=f"coverage/{name}",
                       glob=f"*/{FILE_NAMES[profile.fmt]}")
    ctx.server.add_route("/coverage/", _published_handler(published))
    for name in published:
        ctx.add_source("coverage", name=f"{name}-published-coverage", repo=name,
                       url=f"{ctx.server.url}/coverage/{name}/coverage.xml")


def _run_times(repo: Repo, rng: random.Random, scale: float) -> list[datetime]:
    """A nightly run early each month (every quarter for small test builds)."""
    step = 1 if scale >= 0.5 else 3
    month = max(FIRST_MONTH, date(repo.created.year, repo.created.month, 1) + timedelta(days=31)).replace(day=1)
    runs = []
    while month <= END_DATE:
        day = month + timedelta(days=rng.randint(0, 4))
        run = datetime.combine(day, time(2, rng.randint(0, 59), rng.randint(0, 59)), timezone.utc)
        if run <= END_AT:                     # no report from after the demo's end
            runs.append(run)
        for _ in range(step):
            month = (month + timedelta(days=32)).replace(day=1)
    return runs


def _file_bases(repo: Repo, rng: random.Random) -> list[tuple[str, int, float]]:
    """(path, statements at the first report, offset from the repo's coverage) per module."""
    bases = []
    for path in code_paths(repo):
        size = rng.randint(2, 8) if path.endswith("__init__.py") else rng.randint(40, 520)
        offset = 0.0 if path.endswith("__init__.py") else rng.gauss(0, 0.11)
        bases.append((path, size, offset))
    return bases


def _target(profile: Profile, progress: float, rng: random.Random) -> float:
    """The repo's line coverage at ``progress`` (0..1) through its history, with CI-to-CI noise."""
    eased = (1 - math.cos(math.pi * progress)) / 2
    value = profile.start + (profile.end - profile.start) * eased
    if profile.drop_at is not None:                       # sharp fall, then a slow partial recovery
        value = profile.start if progress < profile.drop_at else profile.end + 0.02 * (progress - profile.drop_at)
    return min(0.98, max(0.05, value + rng.uniform(-0.012, 0.012)))


def _figures(bases: list[tuple[str, int, float]], profile: Profile, progress: float,
             rng: random.Random) -> list[FileFigures]:
    target = _target(profile, progress, rng)
    growth = 1 + 0.3 * progress + (0.25 if profile.drop_at is not None and progress >= profile.drop_at else 0)
    sizes = [max(1, round(size * growth)) if not path.endswith("__init__.py") else size
             for path, size, _ in bases]
    total = sum(sizes)
    weighted = sum(s * offset for s, (_, _, offset) in zip(sizes, bases)) / total
    figures = []
    for (path, _, offset), size in zip(bases, sizes):
        share = min(1.0, max(0.03, target + offset - weighted + rng.uniform(-0.01, 0.01)))
        covered = min(size, round(size * share))
        branches = 2 * round(size * 0.06) if profile.branches else 0
        branches_covered = min(branches, round(branches * max(0.0, share - 0.07)))
        figures.append(FileFigures(path, size, covered, branches, branches_covered))
    return figures


# -- the three formats -----------------------------------------------------------------------


def _render(profile: Profile, figures: list[FileFigures], when: datetime) -> str:
    if profile.fmt == "json":
        return coverage_json(figures, when, branches=profile.branches)
    if profile.fmt == "xml":
        return cobertura_xml(figures, when, branches=profile.branches)
    return lcov(figures, branches=profile.branches)


def _summary(statements: int, covered: int, branches: int, branches_covered: int, with_branches: bool) -> dict:
    hit, total = covered + branches_covered, statements + branches
    summary = {"covered_lines": covered, "num_statements": statements,
               "percent_covered": 100.0 * hit / total if total else 100.0,
               "percent_covered_display": str(round(100.0 * hit / total)) if total else "100",
               "missing_lines": statements - covered, "excluded_lines": 0}
    if with_branches:
        summary.update({"num_branches": branches, "num_partial_branches": (branches - branches_covered) // 2,
                        "covered_branches": branches_covered, "missing_branches": branches - branches_covered})
    return summary


def coverage_json(figures: list[FileFigures], when: datetime, *, branches: bool) -> str:
    """A coverage.py ``coverage json`` report (format 3; naive local timestamp, here UTC)."""
    files = {}
    for f in figures:
        files[f.path] = {
            "executed_lines": list(range(1, f.covered + 1)),
            "summary": _summary(f.statements, f.covered, f.branches, f.branches_covered, branches),
            "missing_lines": list(range(f.covered + 1, f.statements + 1)), "excluded_lines": []}
    totals = _summary(sum(f.statements for f in figures), sum(f.covered for f in figures),
                      sum(f.branches for f in figures), sum(f.branches_covered for f in figures), branches)
    meta = {"format": 3, "version": "7.6.1", "timestamp": when.replace(tzinfo=None).isoformat(),
            "branch_coverage": branches, "show_contexts": False}
    return json.dumps({"meta": meta, "files": files, "totals": totals}, indent=1)


def _branch_lines(f: FileFigures) -> dict[int, tuple[int, int]]:
    """Covered lines that carry a two-way branch: line -> (taken, 2), adding up to the file's figures."""
    lines, left = {}, f.branches_covered
    for index in range(f.branches // 2):
        line = 1 + (index * 7) % max(1, f.covered) if f.covered else 1
        while line in lines:
            line = line % max(1, f.statements) + 1
        taken = min(2, left)
        left -= taken
        lines[line] = (taken, 2)
    return lines


def cobertura_xml(figures: list[FileFigures], when: datetime, *, branches: bool) -> str:
    """A Cobertura report as ``coverage xml`` writes it (rates as fractions, timestamp in ms)."""
    lines_valid = sum(f.statements for f in figures)
    lines_covered = sum(f.covered for f in figures)
    b_valid = sum(f.branches for f in figures) if branches else 0
    b_covered = sum(f.branches_covered for f in figures) if branches else 0
    out = ['<?xml version="1.0" ?>',
           f'<coverage version="7.6.1" timestamp="{int(when.timestamp() * 1000)}" lines-valid="{lines_valid}" '
           f'lines-covered="{lines_covered}" line-rate="{_rate(lines_covered, lines_valid)}" '
           f'branches-covered="{b_covered}" branches-valid="{b_valid}" '
           f'branch-rate="{_rate(b_covered, b_valid)}" complexity="0">',
           "\t<!-- Generated by coverage.py: https://coverage.readthedocs.io/en/7.6.1 -->",
           "\t<sources>\n\t\t<source>/home/zuul/src/opendev.example/project</source>\n\t</sources>",
           "\t<packages>",
           '\t\t<package name="." line-rate="0" branch-rate="0" complexity="0">\n\t\t\t<classes>']
    for f in figures:
        out.append(f'\t\t\t\t<class name="{f.path.rsplit("/", 1)[-1]}" filename="{f.path}" complexity="0" '
                   f'line-rate="{_rate(f.covered, f.statements)}" '
                   f'branch-rate="{_rate(f.branches_covered, f.branches)}">')
        out.append("\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>")
        conditions = _branch_lines(f) if branches else {}
        for line in range(1, f.statements + 1):
            hits = 1 if line <= f.covered else 0
            extra = ""
            if line in conditions:
                taken, total = conditions[line]
                extra = f' branch="true" condition-coverage="{100 * taken // total}% ({taken}/{total})"'
            out.append(f'\t\t\t\t\t\t<line number="{line}" hits="{hits}"{extra}/>')
        out.append("\t\t\t\t\t</lines>\n\t\t\t\t</class>")
    out.append("\t\t\t</classes>\n\t\t</package>\n\t</packages>\n</coverage>\n")
    return "\n".join(out)


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.4g}" if whole else "1"


def lcov(figures: list[FileFigures], *, branches: bool) -> str:
    """An lcov tracefile (as ``coverage lcov`` or geninfo writes it); no timestamp inside."""
    out = []
    for f in figures:
        out += ["TN:", f"SF:{f.path}"]
        out += [f"DA:{line},{1 if line <= f.covered else 0}" for line in range(1, f.statements + 1)]
        out += [f"LF:{f.statements}", f"LH:{f.covered}"]
        if branches:
            for line, (taken, total) in sorted(_branch_lines(f).items()):
                out += [f"BRDA:{line},0,{b},{1 if b < taken else '-' if line > f.covered else 0}"
                        for b in range(total)]
            out += [f"BRF:{f.branches}", f"BRH:{f.branches_covered}"]
        out.append("end_of_record")
    return "\n".join(out) + "\n"


def _published_handler(published: Mapping[str, tuple[bytes, datetime]]):
    """Serve ``/coverage/<repo>/coverage.xml``: each repo's latest published report."""

    def handler(path: str, query: dict[str, list[str]], headers: Mapping[str, str]):
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "coverage" and parts[2] == "coverage.xml" and parts[1] in published:
            body, when = published[parts[1]]
            return 200, {"Content-Type": "application/xml; charset=utf-8",
                         "Last-Modified": format_datetime(when, usegmt=True)}, body
        return 404, {"Content-Type": "text/plain"}, b"no such report\n"

    return handler
