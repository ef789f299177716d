"""Security advisories: a directory of OSSA-style YAML files -> advisories, cves, reporters.

Sits between the community's advisory repository (e.g. ``openstack/ossa``'s
``ossa/*.yaml``) and the warehouse loader.  Each file holds one advisory:
``id``, ``date``, ``title``, ``affected-products`` (product + versions),
``vulnerabilities`` (``cve-id``), ``reporters`` (name, affiliation, reported
CVEs), ``issues.links`` (Launchpad bugs) and ``reviews`` (fix reviews per
branch).  Advisories link to projects by lower-cased product name and to bugs
by Launchpad bug number; CVE ids get a table of their own.

The directory is small (one file per advisory), so every run re-reads it and
replaces this source's rows in one transaction: an advisory whose CVE list was
corrected (errata) never keeps a stale CVE.  A file that is not valid YAML or
lacks ``id``/``date`` stops the run with one line naming the file, and nothing
already in the warehouse is lost.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator, Mapping

import polars as pl
import yaml

from collectors.base import Batch, CollectorError, SourceSpec

_LAUNCHPAD_BUG = re.compile(r"launchpad\.net/(?:[^/]+/\+bug|bugs)/(\d+)")
_UNKNOWN_AFFILIATIONS = {"", "unknown", "none", "n/a"}

ADVISORY_SCHEMA = {"advisory_id": pl.String, "published": pl.Date, "title": pl.String,
                   "projects": pl.List(pl.String), "cves": pl.List(pl.String), "bug_keys": pl.List(pl.String),
                   "reference": pl.String, "issue_links": pl.List(pl.String), "reviews": pl.List(pl.String),
                   "source_id": pl.String}
CVE_SCHEMA = {"advisory_id": pl.String, "cve_id": pl.String, "source_id": pl.String}
REPORTER_SCHEMA = {"advisory_id": pl.String, "reporter": pl.String, "affiliation": pl.String,
                   "cves": pl.List(pl.String), "source_id": pl.String}


def launchpad_bug_numbers(links: list[Any]) -> list[str]:
    """Bug numbers from ``https://launchpad.net/bugs/N`` / ``https://bugs.launchpad.net/p/+bug/N`` links."""
    numbers = []
    for link in links:
        match = _LAUNCHPAD_BUG.search(str(link))
        if match and match.group(1) not in numbers:
            numbers.append(match.group(1))
    return numbers


def affiliation(value: Any) -> str | None:
    """A reporter's affiliation, or None when the advisory gives none (missing, UNKNOWN)."""
    text = str(value).strip() if value is not None else ""
    return None if text.lower() in _UNKNOWN_AFFILIATIONS else text


def _published(value: Any, origin: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise CollectorError(f"{origin}: date {value!r} is not a date like 2020-02-19") from None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def parse_advisory(data: Mapping[str, Any], origin: str, source_id: str = "") -> dict[str, list[dict]]:
    """Rows for ``advisories``, ``cves`` and ``advisory_reporters`` from one parsed advisory file."""
    if not isinstance(data, Mapping) or not data.get("id") or not data.get("date"):
        raise CollectorError(f"{origin}: not an advisory (needs at least 'id' and 'date')")
    advisory_id = str(data["id"]).strip()
    cves = [str(v["cve-id"]).strip() for v in _list(data.get("vulnerabilities"))
            if isinstance(v, Mapping) and v.get("cve-id")]
    products = [str(p["product"]).strip().lower() for p in _list(data.get("affected-products"))
                if isinstance(p, Mapping) and p.get("product")]
    issues = data.get("issues") if isinstance(data.get("issues"), Mapping) else {}
    links = [str(link) for link in _list(issues.get("links"))]
    reviews = [str(url) for value in (data.get("reviews") or {}).values() for url in _list(value)] \
        if isinstance(data.get("reviews"), Mapping) else []
    advisory = {"advisory_id": advisory_id, "published": _published(data["date"], origin),
                "title": str(data.get("title") or "").strip() or None, "projects": sorted(set(products)),
                "cves": cves, "bug_keys": launchpad_bug_numbers(links), "reference": data.get("reference"),
                "issue_links": links, "reviews": reviews, "source_id": source_id}
    reporters = {}
    for entry in _list(data.get("reporters")):
        if isinstance(entry, Mapping) and entry.get("name"):
            name = str(entry["name"]).strip()
            reporters[name] = {"advisory_id": advisory_id, "reporter": name,
                               "affiliation": affiliation(entry.get("affiliation")),
                               "cves": [str(c) for c in _list(entry.get("reported"))], "source_id": source_id}
    return {"advisories": [advisory],
            "cves": [{"advisory_id": advisory_id, "cve_id": c, "source_id": source_id} for c in dict.fromkeys(cves)],
            "advisory_reporters": list(reporters.values())}


def read_advisory(path: Path, source_id: str = "") -> dict[str, list[dict]]:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise CollectorError(f"{path}: not valid YAML{line}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise CollectorError(f"{path}: cannot read ({err})") from None
    return parse_advisory(data, str(path), source_id)


def collect(spec: SourceSpec, since: str | None, progress=None) -> Iterator[Batch]:
    """One batch replacing every row this source loaded before (the directory is re-read in full)."""
    folder = Path(spec.location)
    if not folder.is_dir():
        raise CollectorError(f"advisories source {spec.source_id}: {folder} is not a directory")
    files = sorted(folder.glob(spec.options.get("glob") or "*.yaml"))
    rows: dict[str, list[dict]] = {"advisories": [], "cves": [], "advisory_reporters": []}
    for path in files:
        for table, table_rows in read_advisory(path, spec.source_id).items():
            rows[table] += table_rows
        if progress is not None:
            progress(1, message=f"advisories {path.name}")
    counts = Counter(r["advisory_id"] for r in rows["advisories"])
    duplicates = sorted(a for a, n in counts.items() if n > 1)
    if duplicates:
        raise CollectorError(f"advisories in {folder}: id {duplicates[0]} appears in two files")
    newest = max((r["published"] for r in rows["advisories"]), default=None)
    yield Batch(
        frames={"advisories": pl.DataFrame(rows["advisories"], schema=ADVISORY_SCHEMA),
                "cves": pl.DataFrame(rows["cves"], schema=CVE_SCHEMA),
                "advisory_reporters": pl.DataFrame(rows["advisory_reporters"], schema=REPORTER_SCHEMA)},
        replace={table: {"source_id": spec.source_id} for table in rows},
        cursor=newest.isoformat() if newest else since,
    )
