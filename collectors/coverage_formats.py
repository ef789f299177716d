"""Coverage report parsers: report text -> :class:`CoverageReport`, pure functions.

Sits under :mod:`collectors.coverage` (which finds reports on disk or over
HTTP, dates them and turns them into warehouse rows).  Three formats are read,
detected from the CONTENT, never the file name (CI artifacts are often called
``report.txt`` or ``index``):

- coverage.py JSON (``coverage json``; ``meta.format`` 2 or 3);
- Cobertura XML (``coverage xml``, gcovr, many Java/JS tools), parsed with
  :mod:`defusedxml` so entity tricks and external entities are refused;
- lcov ``.info`` tracefiles (geninfo, ``coverage lcov``, c8/nyc, llvm-cov).

Every parser returns totals AND per-file figures; branch figures are ``None``
when the tool did not measure branches.  A malformed, empty or truncated
report raises :class:`ReportError` whose message says what is wrong (the
caller prefixes the file name), so one broken report never hides the others.
"""

from __future__ import annotations

import json
import os.path
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_xml

#: Reports larger than this are refused before parsing (a runaway artifact or an XML bomb).
MAX_REPORT_BYTES = 256 * 1024 * 1024

FORMATS = ("coverage-json", "cobertura-xml", "lcov")

_LCOV_OTHER = re.compile(r"^[A-Z]{2,8}:")          # newer record kinds (MCDC:, ...) are skipped
_LCOV_LINE = re.compile(r"^(TN|SF|DA|LF|LH|BRDA|BRF|BRH|FN|FNDA|FNF|FNH|FNL|FNA|VER|end_of_record)\b")


class ReportError(ValueError):
    """The report cannot be read; the message says what is wrong with it."""


@dataclass(frozen=True)
class FileCoverage:
    """One source file's figures inside a report (``path`` as the report names it)."""

    path: str
    lines_valid: int
    lines_covered: int
    branches_valid: int | None = None
    branches_covered: int | None = None


@dataclass
class CoverageReport:
    """One parsed report: totals, per-file figures, producer and its own timestamp if any."""

    format: str
    tool: str
    lines_valid: int
    lines_covered: int
    branches_valid: int | None
    branches_covered: int | None
    files: list[FileCoverage] = field(default_factory=list)
    measured_at: datetime | None = None
    tool_version: str | None = None


# -- detection -------------------------------------------------------------------------------


def detect_format(text: str) -> str:
    """The report format of ``text`` from its first meaningful characters."""
    head = text.lstrip("\ufeff \t\r\n")
    if not head:
        raise ReportError("the report is empty")
    if head[0] in "{[":
        return "coverage-json"
    if head[0] == "<":
        return "cobertura-xml"
    first = next((line.strip() for line in head.splitlines() if line.strip()), "")
    if _LCOV_LINE.match(first):
        return "lcov"
    raise ReportError(f"not a coverage report (starts with {first[:30]!r}; expected coverage.py JSON, "
                      "Cobertura XML or lcov .info)")


def parse_report(text: str, *, tz: tzinfo = timezone.utc) -> CoverageReport:
    """Parse a report of any supported format (detected from content).

    ``tz`` is the zone of naive timestamps (coverage.py JSON writes local time).
    """
    if len(text) > MAX_REPORT_BYTES:
        raise ReportError(f"the report is larger than {MAX_REPORT_BYTES // 2**20} MiB")
    kind = detect_format(text)
    if kind == "coverage-json":
        report = parse_coverage_json(text, tz=tz)
    elif kind == "cobertura-xml":
        report = parse_cobertura_xml(text)
    else:
        report = parse_lcov(text)
    if report.branches_valid is not None:          # measured: a file without branches has 0, not None
        report.files = [f if f.branches_valid is not None else
                        FileCoverage(f.path, f.lines_valid, f.lines_covered, 0, 0) for f in report.files]
    _check_report(report)
    return report


def _check_report(report: CoverageReport) -> None:
    if report.lines_valid == 0 and not report.files:
        raise ReportError("the report measures no files")
    for item in report.files:
        _check_counts(item.path, item.lines_valid, item.lines_covered,
                      item.branches_valid, item.branches_covered)
    _check_counts("totals", report.lines_valid, report.lines_covered,
                  report.branches_valid, report.branches_covered)


def _check_counts(where: str, valid: int, covered: int, b_valid: int | None, b_covered: int | None) -> None:
    if valid < 0 or covered < 0 or covered > valid:
        raise ReportError(f"{where}: {covered} covered of {valid} lines is impossible")
    if b_valid is not None and (b_valid < 0 or (b_covered or 0) < 0 or (b_covered or 0) > b_valid):
        raise ReportError(f"{where}: {b_covered} covered of {b_valid} branches is impossible")


# -- coverage.py JSON ------------------------------------------------------------------------


def parse_coverage_json(text: str, *, tz: tzinfo = timezone.utc) -> CoverageReport:
    """coverage.py ``coverage json`` output (``totals`` + ``files[*].summary``)."""
    try:
        data = json.loads(text)
    except ValueError as err:
        where = f" (line {err.lineno} column {err.colno})" if hasattr(err, "lineno") else ""
        raise ReportError(f"not valid JSON, truncated or malformed: {err.msg}{where}") from None
    if not isinstance(data, dict) or not isinstance(data.get("totals"), dict) \
            or not isinstance(data.get("files"), dict):
        raise ReportError("JSON without 'totals' and 'files': not a coverage.py JSON report")
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    branches = bool(meta.get("branch_coverage")) or "num_branches" in data["totals"]
    lines_valid, lines_covered, b_valid, b_covered = _json_summary("totals", data["totals"], branches)
    files = []
    for path, entry in data["files"].items():
        summary = entry.get("summary") if isinstance(entry, dict) else None
        if not isinstance(summary, dict):
            raise ReportError(f"file {path!r} has no 'summary'")
        files.append(FileCoverage(path, *_json_summary(path, summary, branches)))
    return CoverageReport(
        "coverage-json", "coverage.py", lines_valid, lines_covered, b_valid, b_covered, files,
        measured_at=_json_time(meta.get("timestamp"), tz), tool_version=_text(meta.get("version")))


def _json_summary(where: str, summary: dict, branches: bool) -> tuple[int, int, int | None, int | None]:
    valid = _count(summary, "num_statements", where)
    covered = _count(summary, "covered_lines", where)
    if not branches:
        return valid, covered, None, None
    return valid, covered, _count(summary, "num_branches", where), _count(summary, "covered_branches", where)


def _count(mapping: dict, key: str, where: str) -> int:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ReportError(f"{where}: '{key}' is missing or not a whole number")
    return value


def _json_time(value: object, tz: tzinfo) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise ReportError(f"meta.timestamp {str(value)[:40]!r} is not an ISO date-time") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(timezone.utc)


def _text(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


# -- Cobertura XML ---------------------------------------------------------------------------


def parse_cobertura_xml(text: str) -> CoverageReport:
    """Cobertura XML: root ``<coverage>`` attributes for totals, ``<class>`` lines per file."""
    try:
        root = safe_xml(text, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except ParseError as err:
        raise ReportError(f"not well-formed XML, truncated or malformed: {err}") from None
    except DefusedXmlException as err:
        raise ReportError(f"XML refused for safety: entity or external references are not allowed "
                          f"({type(err).__name__})") from None
    if root.tag != "coverage":
        raise ReportError(f"XML root is <{root.tag}>, not Cobertura's <coverage>")
    files = _cobertura_files(root)
    tool, version = _cobertura_tool(text, root)
    lines_valid = _xml_int(root, "lines-valid")
    lines_covered = _xml_int(root, "lines-covered")
    if lines_valid is None or lines_covered is None:      # old Cobertura: rates only
        lines_valid = sum(f.lines_valid for f in files)
        lines_covered = sum(f.lines_covered for f in files)
    b_valid, b_covered = _xml_int(root, "branches-valid"), _xml_int(root, "branches-covered")
    if b_valid is None:
        measured = [f for f in files if f.branches_valid is not None]
        b_valid = sum(f.branches_valid for f in measured) if measured else None
        b_covered = sum(f.branches_covered or 0 for f in measured) if measured else None
    if not b_valid:
        b_valid = b_covered = None                          # branch-rate="0": not measured
    else:
        b_covered = b_covered or 0
    return CoverageReport("cobertura-xml", tool, lines_valid, lines_covered, b_valid, b_covered, files,
                          measured_at=_xml_time(root.get("timestamp")), tool_version=version)


def _cobertura_files(root: Element) -> list[FileCoverage]:
    """Per file: the union of its classes' lines (a file may hold several classes)."""
    sources = [s.text.strip().rstrip("/\\") for s in root.iter("source") if s.text and s.text.strip()]
    lines: dict[str, dict[int, tuple[int, int, int]]] = {}
    for cls in root.iter("class"):
        filename = cls.get("filename")
        if not filename:
            raise ReportError(f"<class name={cls.get('name')!r}> has no filename")
        path = _relative_to_sources(filename, sources)
        per_line = lines.setdefault(path, {})
        for line in cls.iter("line"):
            number, hits = _xml_int(line, "number"), _xml_int(line, "hits")
            if number is None or hits is None:
                raise ReportError(f"{path}: <line> without a whole-number 'number' and 'hits'")
            taken, total = _condition(path, line.get("condition-coverage"))
            old = per_line.get(number, (0, 0, 0))
            per_line[number] = (max(old[0], hits), max(old[1], taken), max(old[2], total))
    files = []
    for path, per_line in lines.items():
        branch_total = sum(v[2] for v in per_line.values())
        files.append(FileCoverage(
            path, len(per_line), sum(1 for v in per_line.values() if v[0] > 0),
            branch_total or None, sum(v[1] for v in per_line.values()) if branch_total else None))
    return files


_CONDITION = re.compile(r"\((\d+)\s*/\s*(\d+)\)")


def _condition(path: str, value: str | None) -> tuple[int, int]:
    if not value:
        return 0, 0
    match = _CONDITION.search(value)
    if not match:
        raise ReportError(f"{path}: condition-coverage {value[:30]!r} is not like '50% (1/2)'")
    return int(match.group(1)), int(match.group(2))


def _relative_to_sources(filename: str, sources: list[str]) -> str:
    name = filename.replace("\\", "/")
    for source in sources:
        prefix = source.replace("\\", "/") + "/"
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _cobertura_tool(text: str, root: Element) -> tuple[str, str | None]:
    version = root.get("version")
    head = text[:2000]
    if "Generated by coverage.py" in head:
        return "coverage.py", version
    if "gcovr" in head or (version or "").startswith("gcovr"):
        return "gcovr", version
    return "cobertura", version


def _xml_int(element: Element, name: str) -> int | None:
    value = element.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        try:
            number = float(value)
        except ValueError:
            raise ReportError(f"<{element.tag}> {name}={value[:20]!r} is not a number") from None
        if not number.is_integer():
            raise ReportError(f"<{element.tag}> {name}={value[:20]!r} is not a whole number")
        return int(number)


def _xml_time(value: str | None) -> datetime | None:
    """Cobertura ``timestamp``: milliseconds since the epoch (some tools write seconds)."""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ReportError(f"timestamp={value[:30]!r} is not a number of milliseconds") from None
    if number <= 0:
        return None
    seconds = number / 1000 if number > 1e11 else number
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


# -- lcov ------------------------------------------------------------------------------------


@dataclass
class _LcovFile:
    lines: dict[int, int] = field(default_factory=dict)            # line -> hits
    branches: dict[tuple[str, str, str], bool] = field(default_factory=dict)
    lf: int | None = None
    lh: int | None = None
    brf: int | None = None
    brh: int | None = None


def parse_lcov(text: str) -> CoverageReport:
    """lcov tracefile: ``SF:`` ... ``end_of_record`` per file; DA/BRDA detail or LF/LH/BRF/BRH.

    Records naming the same file (one per test name) are merged line by line.
    """
    files: dict[str, _LcovFile] = {}
    current: _LcovFile | None = None
    current_path = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(":")
        if key == "SF":
            if current is not None:
                raise ReportError(f"line {number}: new SF before end_of_record of {current_path}")
            current_path = value.strip()
            current = files.setdefault(current_path, _LcovFile())
        elif key == "end_of_record":
            if current is None:
                raise ReportError(f"line {number}: end_of_record without SF")
            current = None
        elif key in ("DA", "BRDA", "LF", "LH", "BRF", "BRH"):
            if current is None:
                raise ReportError(f"line {number}: {key} outside an SF record")
            _lcov_field(current, key, value, number)
        elif not _LCOV_LINE.match(line) and not _LCOV_OTHER.match(line):
            raise ReportError(f"line {number}: {line[:30]!r} is not an lcov record line")
    if current is not None:
        raise ReportError(f"truncated: the record for {current_path} has no end_of_record")
    if not files:
        raise ReportError("lcov data without any SF record")
    return _lcov_report(files)


def _lcov_field(record: _LcovFile, key: str, value: str, number: int) -> None:
    try:
        if key == "DA":
            line_no, hits = value.split(",")[:2]
            record.lines[int(line_no)] = record.lines.get(int(line_no), 0) + max(0, int(float(hits)))
        elif key == "BRDA":
            line_no, block, rest = value.split(",", 2)
            branch, taken = rest.rsplit(",", 1)
            hit = taken.strip() not in ("-", "0") and float(taken) > 0
            ident = (str(int(line_no)), block, branch)
            record.branches[ident] = record.branches.get(ident, False) or hit
        else:
            setattr(record, key.lower(), int(value))
    except ValueError:
        raise ReportError(f"line {number}: malformed {key}:{value[:30]}") from None


def _lcov_report(files: dict[str, _LcovFile]) -> CoverageReport:
    parsed = []
    for path, record in files.items():
        if record.lines:
            valid, covered = len(record.lines), sum(1 for h in record.lines.values() if h > 0)
        else:
            valid, covered = record.lf or 0, record.lh or 0
        if record.branches:
            b_valid, b_covered = len(record.branches), sum(record.branches.values())
        elif record.brf:
            b_valid, b_covered = record.brf, record.brh or 0
        else:
            b_valid = b_covered = None
        parsed.append(FileCoverage(path, valid, covered, b_valid, b_covered))
    measured = [f for f in parsed if f.branches_valid is not None]
    return CoverageReport(
        "lcov", "lcov", sum(f.lines_valid for f in parsed), sum(f.lines_covered for f in parsed),
        sum(f.branches_valid for f in measured) if measured else None,
        sum(f.branches_covered for f in measured) if measured else None, parsed)


# -- paths -----------------------------------------------------------------------------------


def normalise_paths(report: CoverageReport, strip_prefix: str | None = None) -> CoverageReport:
    """Make file paths repository-relative and ``/``-separated.

    ``strip_prefix`` (from the source config) is removed first; remaining
    absolute paths are made relative to their common directory (absolute paths
    are machine-specific: ``/home/ci/build/nova/...``).
    """
    paths = [f.path.replace("\\", "/") for f in report.files]
    if strip_prefix:
        prefix = strip_prefix.replace("\\", "/").rstrip("/") + "/"
        paths = [p[len(prefix):] if p.startswith(prefix) else p for p in paths]
    absolute = [p for p in paths if p.startswith("/") or re.match(r"^[A-Za-z]:/", p)]
    root = os.path.commonpath([os.path.dirname(p) for p in absolute]) if absolute else ""
    fixed = []
    for path in paths:
        if path in absolute and root:
            path = path[len(root):]
        fixed.append(re.sub(r"^(\./)+", "", path).lstrip("/"))
    merged: dict[str, FileCoverage] = {}
    for item, path in zip(report.files, fixed):
        merged[path] = _add(merged.get(path), FileCoverage(path, item.lines_valid, item.lines_covered,
                                                            item.branches_valid, item.branches_covered))
    report.files = list(merged.values())
    return report


def _add(old: FileCoverage | None, new: FileCoverage) -> FileCoverage:
    if old is None:
        return new
    branches = [b for b in (old, new) if b.branches_valid is not None]
    return FileCoverage(new.path, old.lines_valid + new.lines_valid, old.lines_covered + new.lines_covered,
                        sum(b.branches_valid for b in branches) if branches else None,
                        sum(b.branches_covered or 0 for b in branches) if branches else None)
