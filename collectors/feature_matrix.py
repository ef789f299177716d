"""Feature matrices (features x targets, e.g. hypervisor drivers) -> ``feature_matrix`` rows.

The ``feature_matrix`` source kind of the Consistency area.  A source names a
file (``path``) or a file inside a configured repository (``repo`` + ``file``,
read at the head of the repository's clone with ``git show``, no checkout).
Formats, chosen by content:

* INI support matrix, current layout: ``[driver.X]`` sections with a
  ``title``, and one section per feature whose ``driver.X=status`` lines give
  each target's status (``driver-notes.X`` its caveats);
* INI support matrix, older layout: one ``[targets]`` section listing
  ``driver-impl-X=Title`` and ``driver-impl-X=status`` keys in the features;
* CSV with a header ``feature,target,status`` (optional ``notes``).

Statuses are complete, partial, missing or unknown; anything else is a
:class:`~collectors.ini_lines.ParseError` naming the file and the line.
"""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path
from typing import Iterator

import polars as pl

from collectors.base import Batch, CollectorError, SourceSpec
from collectors.ini_lines import ParseError, Section, parse_ini

STATUSES = ("complete", "partial", "missing", "unknown")
SCHEMA = {"matrix": pl.String, "feature": pl.String, "target": pl.String, "status": pl.String,
          "notes": pl.String, "feature_title": pl.String, "target_title": pl.String,
          "maturity": pl.String, "line": pl.Int32}


def _status(value: str, label: str, line: int, key: str) -> str:
    status = value.strip().lower()
    if status not in STATUSES:
        raise ParseError(f"{label} line {line}: status {value.strip()[:40]!r} for {key} is not one of "
                         f"{', '.join(STATUSES)}")
    return status


def parse_ini_matrix(text: str, label: str) -> list[dict]:
    """Rows of an INI support matrix in either layout."""
    sections = parse_ini(text, label)
    targets, prefix, notes_prefixes = _targets(sections)
    if not targets:
        raise ParseError(f"{label} line 1: no targets found (no [driver.X] sections and no [targets] section)")
    rows = []
    for section in sections:
        if section.name == "targets" or section.name.startswith("driver."):
            continue
        title = section.options.get("title")
        maturity = section.options.get("status")
        for key, value in section.options.items():
            if not key.startswith(prefix):
                continue
            target = key[len(prefix):]
            if target not in targets:
                raise ParseError(f"{label} line {value.line}: {key} names a target that is not declared")
            note = next((section.options[p + target].text.strip() for p in notes_prefixes
                         if p + target in section.options), None)
            rows.append({"feature": section.name, "target": target,
                         "status": _status(value.text, label, value.line, key), "notes": note,
                         "feature_title": title.text.strip() if title else section.name,
                         "target_title": targets[target], "maturity": maturity.text.strip() if maturity else None,
                         "line": value.line})
    return rows


def _targets(sections: list[Section]) -> tuple[dict[str, str], str, tuple[str, ...]]:
    """(target -> title, status key prefix, notes key prefixes) for the file's layout."""
    new = {s.name[len("driver."):]: (s.options["title"].text.strip() if "title" in s.options else s.name)
           for s in sections if s.name.startswith("driver.")}
    if new:
        return new, "driver.", ("driver-notes.", "driver-notes-")
    old = next((s for s in sections if s.name == "targets"), None)
    if old is None:
        return {}, "", ()
    return ({k[len("driver-impl-"):]: v.text.strip() for k, v in old.options.items() if k.startswith("driver-impl-")},
            "driver-impl-", ("driver-notes-", "driver-notes."))


def parse_csv_matrix(text: str, label: str) -> list[dict]:
    """Rows of a ``feature,target,status[,notes]`` CSV file."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _csv_rows(reader, label)
    except csv.Error as err:
        raise ParseError(f"{label} line {max(reader.line_num, 1)}: not valid CSV ({err})") from None


def _csv_rows(reader, label: str) -> list[dict]:
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in ("feature", "target", "status") if c not in header]
    if missing:
        raise ParseError(f"{label} line 1: the header needs feature, target and status columns "
                         f"(missing {', '.join(missing)})")
    index = {name: header.index(name) for name in header}
    rows = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) < len(header):
            raise ParseError(f"{label} line {line}: expected {len(header)} columns, got {len(record)}")
        cell = {name: record[i].strip() for name, i in index.items()}
        if not cell["feature"] or not cell["target"]:
            raise ParseError(f"{label} line {line}: feature and target must not be empty")
        rows.append({"feature": cell["feature"], "target": cell["target"],
                     "status": _status(cell["status"], label, line, f"{cell['feature']} / {cell['target']}"),
                     "notes": cell.get("notes") or None, "feature_title": cell["feature"],
                     "target_title": cell["target"], "maturity": None, "line": line})
    return rows


def parse_matrix(text: str, label: str) -> list[dict]:
    """Rows of a matrix file: CSV when its first line is a CSV header, else INI."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if label.lower().endswith(".csv") or (first.lower().startswith("feature,") and "[" not in first):
        return parse_csv_matrix(text, label)
    return parse_ini_matrix(text, label)


def read_source_text(spec: SourceSpec) -> tuple[str, str]:
    """(text, label) of the source's matrix file: a path, or ``file`` at the head of a repository."""
    inner = spec.options.get("file")
    location = Path(spec.location)
    if inner:
        done = subprocess.run(["git", "-C", str(location), "show", f"HEAD:{inner}"], capture_output=True)
        if done.returncode != 0:
            raise CollectorError(f"feature_matrix {spec.source_id}: {inner} not found at the head of {location}")
        return done.stdout.decode("utf-8", errors="replace"), f"{spec.options.get('repo', location.name)}:{inner}"
    if not location.is_file():
        raise CollectorError(f"feature_matrix {spec.source_id}: {location} is not a file")
    return location.read_text("utf-8", errors="replace"), str(location)


def collect(spec: SourceSpec, since: str | None, progress=None) -> Iterator[Batch]:
    """One batch replacing the whole matrix (the source's name)."""
    matrix = spec.source_id.split(":", 1)[-1]
    text, label = read_source_text(spec)
    rows = [{"matrix": matrix, **row} for row in parse_matrix(text, label)]
    if progress is not None:
        progress(len(rows), message=f"{len(rows)} cells of {label}")
    yield Batch({"feature_matrix": pl.DataFrame(rows, schema=SCHEMA)}, replace={"feature_matrix": {"matrix": matrix}})
