"""The community's global requirements and constraints -> ``global_requirements``, ``constraints``.

The ``requirements`` source kind, made from ``[commonality]
global_requirements`` / ``constraints`` in the settings (OpenStack's
``global-requirements.txt`` and ``upper-constraints.txt``): the reference the
dependency-drift metrics compare every repository's manifests against.  Either
file may be missing from the settings; a bad line is one error naming the
file and the line, and then nothing of this source is replaced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import polars as pl

from collectors.base import Batch, CollectorError, SourceSpec
from collectors.manifests import parse_constraints, parse_requirements_file

GLOBAL_SCHEMA = {"source": pl.String, "name": pl.String, "specifier": pl.String, "markers": pl.String,
                 "line": pl.Int32}
CONSTRAINTS_SCHEMA = {"source": pl.String, "name": pl.String, "version": pl.String, "markers": pl.String,
                      "line": pl.Int32}


def _read(path: str, source_id: str) -> tuple[str, str]:
    file = Path(path)
    if not file.is_file():
        raise CollectorError(f"requirements source {source_id}: {file} is not a file")
    return file.read_text("utf-8", errors="replace"), str(file)


def _reader(base: Path):
    def read(name: str) -> str | None:
        target = base / name
        return target.read_text("utf-8", errors="replace") if target.is_file() else None
    return read


def collect(spec: SourceSpec, since: str | None, progress=None) -> Iterator[Batch]:
    """One batch replacing this source's global requirements and constraints."""
    frames = {}
    if spec.options.get("global_requirements"):
        text, label = _read(spec.options["global_requirements"], spec.source_id)
        deps = parse_requirements_file(label, text, _reader(Path(label).parent))
        frames["global_requirements"] = pl.DataFrame(
            [{"source": spec.source_id, "name": d.name, "specifier": d.specifier, "markers": d.markers,
              "line": d.line} for d in deps], schema=GLOBAL_SCHEMA)
    if spec.options.get("constraints"):
        text, label = _read(spec.options["constraints"], spec.source_id)
        frames["constraints"] = pl.DataFrame(
            [{"source": spec.source_id, "name": n, "version": v, "markers": m, "line": line}
             for n, v, m, line in parse_constraints(label, text)], schema=CONSTRAINTS_SCHEMA)
    if progress is not None:
        progress(sum(f.height for f in frames.values()), message="global requirements and constraints")
    yield Batch(frames, replace={table: {"source": spec.source_id} for table in frames})
