"""Coverage collector (kind ``coverage``): published test-coverage reports -> warehouse rows.

Sits between the report files or URLs a project publishes and the warehouse's
``coverage_reports`` / ``coverage_files`` tables.  Parsing lives in
:mod:`collectors.coverage_formats` (pure functions, format detected from the
content); this module finds the reports, dates them and builds the batches.

A source names one repository (``repo``) and either a ``path`` (a report
file, or a directory searched with ``glob`` such as ``"*/coverage.xml"``, e.g.
CI artifacts laid out by date) or a ``url`` of a published report, fetched
with the shared client :mod:`collectors.http`.

Measurement time, first that applies: the ``measured_at`` option; the
report's own timestamp (coverage.py JSON, Cobertura); a date in the report's
path (``2024-05-01/``, ``20240501T1200``); the last git commit of the report
file (when it is committed and unmodified); the HTTP ``Last-Modified`` header
or the file's mtime.  Naive timestamps are read in the ``timezone`` option
(default UTC).  The commit sha comes from the ``commit_sha`` option, else a
40-hex segment of the path or URL, else the git commit that dated the file.

Re-importing the same report adds nothing: rows are keyed by the report's
content fingerprint.  A broken report is reported as one line naming the file
and what is wrong, after every other report has been loaded.
"""

from __future__ import annotations

import glob as globlib
import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from collectors.base import Batch, CollectorError, SourceSpec, utc_now
from collectors.coverage_formats import (MAX_REPORT_BYTES, CoverageReport, ReportError, normalise_paths,
                                        parse_report)

#: Reports loaded per batch (one warehouse transaction each).
REPORTS_PER_BATCH = 50

_SHA_IN_PATH = re.compile(r"(?:^|[/_.=-])([0-9a-f]{40})(?=$|[/_.-])", re.IGNORECASE)
#: A date segment in a path: ``2024-05-01``, ``20240501``, optionally ``T1200``/``_12-00-30`` after it.
_DATE_IN_PATH = re.compile(
    r"(?:^|[/_.\s-])(\d{4})(-?)(\d{2})\2(\d{2})"
    r"(?:[T_](\d{2})[:-]?(\d{2})(?:[:-]?(\d{2}))?)?(?=$|[/_.\sZ+-])")

REPORT_SCHEMA = {
    "repo": pl.String, "fingerprint": pl.String, "measured_at": pl.Datetime("us", "UTC"),
    "time_source": pl.String, "tool": pl.String, "tool_version": pl.String, "format": pl.String,
    "commit_sha": pl.String, "lines_valid": pl.Int64, "lines_covered": pl.Int64,
    "branches_valid": pl.Int64, "branches_covered": pl.Int64, "files": pl.Int32,
    "origin": pl.String, "source_id": pl.String, "fetched_at": pl.Datetime("us", "UTC"),
}
FILE_SCHEMA = {
    "repo": pl.String, "fingerprint": pl.String, "path": pl.String, "measured_at": pl.Datetime("us", "UTC"),
    "tool": pl.String, "lines_valid": pl.Int64, "lines_covered": pl.Int64,
    "branches_valid": pl.Int64, "branches_covered": pl.Int64,
}


@dataclass(frozen=True)
class ReportInput:
    """One report as found: its text and the clues for dating it."""

    origin: str                                   # file path or URL (for messages and provenance)
    text: str
    located_as: str = ""                          # path relative to the source root, or the URL path
    mtime: datetime | None = None                 # file mtime or HTTP Last-Modified
    mtime_source: str = "mtime"
    git_commit: tuple[str, datetime] | None = None
    problem: str | None = None                    # why it could not be read at all


@dataclass(frozen=True)
class Dated:
    measured_at: datetime
    time_source: str
    commit_sha: str | None


@dataclass(frozen=True)
class CoverageOptions:
    repo: str
    glob: str | None = None
    measured_at: datetime | None = None
    commit_sha: str | None = None
    tz: tzinfo = timezone.utc
    strip_prefix: str | None = None

    @classmethod
    def from_spec(cls, spec: SourceSpec) -> "CoverageOptions":
        options = spec.options
        repo = options.get("repo")
        if not repo:
            raise CollectorError(f"{spec.source_id}: a coverage source needs 'repo' (the repository it measures)")
        tz = timezone.utc
        if options.get("timezone"):
            try:
                tz = ZoneInfo(str(options["timezone"]))
            except (ZoneInfoNotFoundError, ValueError):
                raise CollectorError(f"{spec.source_id}: unknown timezone {options['timezone']!r}") from None
        measured_at = None
        if options.get("measured_at"):
            measured_at = _parse_moment(str(options["measured_at"]), tz)
            if measured_at is None:
                raise CollectorError(f"{spec.source_id}: measured_at {options['measured_at']!r} "
                                     "is not a date-time like 2024-05-01T10:00:00Z")
        return cls(repo=str(repo), glob=options.get("glob"), measured_at=measured_at,
                   commit_sha=options.get("commit_sha"), tz=tz, strip_prefix=options.get("strip_prefix"))


# -- the collector ---------------------------------------------------------------------------


def collect(spec: SourceSpec, since: str | None = None,
            progress: Callable[..., None] | None = None) -> Iterator[Batch]:
    """Yield batches of coverage rows for one source; broken reports are named at the end.

    ``since`` is this source's cursor (``fp:<fingerprint>`` of the last URL report,
    which is then skipped) or a date from ``--since`` (older reports are skipped).
    """
    options = CoverageOptions.from_spec(spec)
    since_time = None if not since or since.startswith("fp:") else _parse_moment(since, timezone.utc)
    is_url = spec.location.startswith(("http://", "https://"))
    inputs = _url_inputs(spec, progress) if is_url else _file_inputs(spec, options)
    reports: list[tuple[ReportInput, CoverageReport, str, Dated]] = []
    errors: list[str] = []
    emitted: set[str] = set()                 # fingerprints already in a yielded batch this run
    seen = 0
    cursor = None
    for item in inputs:
        seen += 1
        try:
            report, fingerprint = read_report(item, options)
        except ReportError as err:
            errors.append(f"{item.origin}: {err}")
            continue
        if is_url:
            cursor = f"fp:{fingerprint}"
            if since == cursor:
                continue                                  # unchanged since the last run
        dated = date_report(item, report, options)
        if fingerprint in emitted or (since_time is not None and dated.measured_at < since_time):
            continue
        reports.append((item, report, fingerprint, dated))
        if progress is not None:
            progress(1, message=item.origin)
        if len(reports) >= REPORTS_PER_BATCH:
            emitted.update(entry[2] for entry in reports)
            yield build_batch(spec, options.repo, reports)
            reports = []
    if reports or cursor:
        yield build_batch(spec, options.repo, reports, cursor=cursor)
    if errors:
        raise CollectorError(f"{len(errors)} of {seen} coverage reports for {options.repo} could not be read: "
                             + "; ".join(errors))


def read_report(item: ReportInput, options: CoverageOptions) -> tuple[CoverageReport, str]:
    """The parsed report (repository-relative paths) and its content fingerprint."""
    if item.problem:
        raise ReportError(item.problem)
    report = normalise_paths(parse_report(item.text, tz=options.tz), options.strip_prefix)
    return report, hashlib.sha256(item.text.encode("utf-8")).hexdigest()


def build_batch(spec: SourceSpec, repo: str, reports: list[tuple[ReportInput, CoverageReport, str, Dated]],
                *, cursor: str | None = None) -> Batch:
    """One batch: a ``coverage_reports`` row and its ``coverage_files`` rows per report.

    The same report found twice in one run (a copied artifact) keeps its earliest time.
    """
    fetched_at = utc_now()
    earliest: dict[str, tuple[ReportInput, CoverageReport, str, Dated]] = {}
    for entry in reports:
        known = earliest.get(entry[2])
        if known is None or entry[3].measured_at < known[3].measured_at:
            earliest[entry[2]] = entry
    report_rows, file_rows = [], []
    for item, report, fingerprint, dated in earliest.values():
        report_rows.append({
            "repo": repo, "fingerprint": fingerprint, "measured_at": dated.measured_at,
            "time_source": dated.time_source, "tool": report.tool, "tool_version": report.tool_version,
            "format": report.format, "commit_sha": dated.commit_sha, "lines_valid": report.lines_valid,
            "lines_covered": report.lines_covered, "branches_valid": report.branches_valid,
            "branches_covered": report.branches_covered, "files": len(report.files),
            "origin": item.origin, "source_id": spec.source_id, "fetched_at": fetched_at})
        file_rows += [{
            "repo": repo, "fingerprint": fingerprint, "path": f.path, "measured_at": dated.measured_at,
            "tool": report.tool, "lines_valid": f.lines_valid, "lines_covered": f.lines_covered,
            "branches_valid": f.branches_valid, "branches_covered": f.branches_covered} for f in report.files]
    return Batch(frames={
        "coverage_reports": pl.DataFrame(report_rows, schema=REPORT_SCHEMA),
        "coverage_files": pl.DataFrame(file_rows, schema=FILE_SCHEMA),
    }, cursor=cursor)


# -- dating ----------------------------------------------------------------------------------


def date_report(item: ReportInput, report: CoverageReport, options: CoverageOptions) -> Dated:
    """When the report was measured and at which commit (see the module docstring for the order)."""
    sha = options.commit_sha or sha_in_path(item.located_as or item.origin)
    if options.measured_at is not None:
        return Dated(options.measured_at, "config", sha)
    if report.measured_at is not None:
        return Dated(report.measured_at, "report", sha)
    from_path = date_in_path(item.located_as, options.tz)
    if from_path is not None:
        return Dated(from_path, "path", sha)
    if item.git_commit is not None:
        return Dated(item.git_commit[1], "git", sha or item.git_commit[0])
    if item.mtime is not None:
        return Dated(item.mtime, item.mtime_source, sha)
    return Dated(utc_now(), "fetched", sha)


def sha_in_path(located: str) -> str | None:
    match = _SHA_IN_PATH.search(located)
    return match.group(1).lower() if match else None


def date_in_path(located: str, tz: tzinfo = timezone.utc) -> datetime | None:
    """The last plausible date (and time) written in a path, e.g. ``ci/2024-05-01/cov.info``."""
    found = None
    for match in _DATE_IN_PATH.finditer(_SHA_IN_PATH.sub("/", located)):
        year, _, month, day, hour, minute, second = (int(g) if g and g != "-" else 0 for g in match.groups())
        try:
            moment = datetime(year, month, day, hour, minute, second, tzinfo=tz)
        except ValueError:
            continue
        if 1990 <= year <= 2100:
            found = moment.astimezone(timezone.utc)
    return found


def _parse_moment(text: str, tz: tzinfo) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(timezone.utc)


# -- finding reports: files ------------------------------------------------------------------


def _file_inputs(spec: SourceSpec, options: CoverageOptions) -> Iterator[ReportInput]:
    root = Path(spec.location) if spec.location else None
    paths = _matching_files(spec, root, options.glob)
    git = _GitDates()
    for path in paths:
        located = str(path.relative_to(root)) if root and root.is_dir() else path.name
        text, problem = _read_text(path)
        if problem:
            yield ReportInput(str(path), "", problem=problem)
            continue
        mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
        yield ReportInput(str(path), text, located_as=located, mtime=mtime, git_commit=git.commit_of(path))


def _read_text(path: Path) -> tuple[str, str | None]:
    """The file's text, or why it cannot be had (too big, unreadable, not UTF-8)."""
    try:
        if path.stat().st_size > MAX_REPORT_BYTES:
            return "", f"the report is larger than {MAX_REPORT_BYTES // 2**20} MiB"
        return path.read_bytes().decode("utf-8-sig"), None
    except OSError as err:
        return "", f"cannot be read ({err.strerror or err})"
    except UnicodeDecodeError as err:
        return "", f"not UTF-8 text (bad byte at offset {err.start})"


def _matching_files(spec: SourceSpec, root: Path | None, pattern: str | None) -> list[Path]:
    if pattern:
        if root is None and not os.path.isabs(pattern):
            raise CollectorError(f"{spec.source_id}: glob {pattern!r} needs a 'path' (the directory it is under)")
        base = str(root) if root else ""
        found = sorted(Path(p) for p in globlib.glob(os.path.join(base, pattern), recursive=True)
                       if os.path.isfile(p))
        if not found:
            raise CollectorError(f"{spec.source_id}: no file matches {pattern!r} under {root}")
        return found
    if root is None:
        raise CollectorError(f"{spec.source_id}: a coverage source needs 'path' (a file or directory) or 'url'")
    if root.is_dir():
        raise CollectorError(f"{spec.source_id}: {root} is a directory; add glob = \"**/coverage.xml\" "
                             "(or similar) to say which files are reports")
    if not root.exists():
        raise CollectorError(f"{spec.source_id}: coverage report {root} does not exist")
    return [root]


class _GitDates:
    """Last commit (sha, committer time) of report files that are committed and unmodified."""

    def __init__(self) -> None:
        self._roots: dict[Path, Path | None] = {}
        self._dirty: dict[Path, set[str]] = {}

    def commit_of(self, path: Path) -> tuple[str, datetime] | None:
        root = self._root(path.parent.resolve())
        if root is None:
            return None
        relative = str(path.resolve().relative_to(root))
        if relative in self._dirty_files(root):
            return None
        out = _git(root, "log", "-1", "--format=%H%x1f%cI", "--", relative)
        if not out or "\x1f" not in out:
            return None
        sha, when = out.strip().split("\x1f")
        return sha, datetime.fromisoformat(when).astimezone(timezone.utc)

    def _root(self, folder: Path) -> Path | None:
        if folder not in self._roots:
            out = _git(folder, "rev-parse", "--show-toplevel")
            self._roots[folder] = Path(out.strip()).resolve() if out else None
        return self._roots[folder]

    def _dirty_files(self, root: Path) -> set[str]:
        if root not in self._dirty:
            out = _git(root, "status", "--porcelain", "-z", "--untracked-files=all") or ""
            self._dirty[root] = {entry[3:] for entry in out.split("\0") if len(entry) > 3}
        return self._dirty[root]


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                              timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


# -- finding reports: URLs -------------------------------------------------------------------


def _url_inputs(spec: SourceSpec, progress: Callable[..., None] | None) -> Iterable[ReportInput]:
    from collectors.http import HttpClient, HttpStatusError

    with HttpClient.from_options(spec.location, spec.options, progress=progress,
                                  extra_headers={"Accept": "*/*"}) as client:
        try:
            reply = client.get(spec.location, text=True)
        except HttpStatusError as err:
            raise CollectorError(f"{spec.source_id}: {err}") from None
    modified = _http_date(reply.headers.get("Last-Modified"))
    located = client.safe_url(spec.location.split("?", 1)[0])  # never with user:password@
    yield ReportInput(client.safe_url(spec.location), str(reply.data), located_as=located,
                      mtime=modified, mtime_source="http")


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
