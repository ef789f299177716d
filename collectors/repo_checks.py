"""Repository hygiene checks read from git: security policy and dependency constraints.

Sits between the git clones (the demo's ``git/<repo>`` folders or the clones
the git collector keeps under ``data/repos/``) and the warehouse's
``repo_checks`` table, which the Security page shows per repository.  The
source's ``location`` is a folder whose sub-folders are git repositories (the
folder name is the repository name; ``repos`` limits which).  Files are read
from ``HEAD`` with ``git ls-tree`` / ``git show``, so bare clones work and the
working tree does not matter; each row is stamped with HEAD's commit time, so
re-running on the same commit changes nothing and a new commit adds a point
to the history.

Checks (``check_name``):

* ``security_policy``: a security policy or contact document (``SECURITY.md``,
  ``.github/SECURITY.md``, ``doc/source/security.rst``, ...);
* ``dependency_constraints``: the dependencies are pinned by a constraints file
  (``*constraints*.txt``) or a constraints reference in ``tox.ini``
  (OpenStack's ``-c{env:TOX_CONSTRAINTS_FILE:...}``).
"""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Iterator

import polars as pl

from collectors.base import Batch, CollectorError, SourceSpec

_SECURITY_DOC = re.compile(r"^(?:\.github/|docs?/(?:source/)?)?security(?:[-_.]?(?:policy|contacts?))?"
                           r"\.(?:md|rst|txt)$", re.IGNORECASE)
_CONSTRAINTS_FILE = re.compile(r"(?:^|/)[\w.-]*constraints[\w.-]*\.txt$", re.IGNORECASE)
_TOX_CONSTRAINTS = re.compile(r"^\s*-c\s*\S*constraints", re.IGNORECASE | re.MULTILINE)
SCHEMA = {"repo": pl.String, "check_name": pl.String, "captured_at": pl.Datetime("us", "UTC"),
          "passed": pl.Boolean, "detail": pl.String}


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise CollectorError(f"repo_checks: git {args[0]} in {repo} failed: {done.stderr.strip()[:200]}")
    return done.stdout


def security_policy(paths: list[str]) -> tuple[bool, str]:
    """Pass when a security policy/contact document exists; detail names it."""
    found = sorted(p for p in paths if _SECURITY_DOC.match(p))
    return (True, found[0]) if found else (False, "no SECURITY.md or security contact document")


def dependency_constraints(paths: list[str], tox_ini: str | None) -> tuple[bool, str]:
    """Pass when a constraints file exists or tox.ini installs with ``-c ...constraints...``."""
    files = sorted(p for p in paths if _CONSTRAINTS_FILE.search(p))
    if files:
        return True, files[0]
    if tox_ini and _TOX_CONSTRAINTS.search(tox_ini):
        return True, "tox.ini uses a constraints file"
    return False, "no constraints file and no -c constraints in tox.ini"


def check_repo(path: Path, name: str) -> list[dict]:
    """The hygiene rows for one repository at its HEAD."""
    paths = _git(path, "ls-tree", "-r", "--name-only", "-z", "HEAD").split("\0")
    paths = [p for p in paths if p]
    captured = datetime.fromisoformat(_git(path, "log", "-1", "--format=%cI", "HEAD").strip())
    tox = _git(path, "show", "HEAD:tox.ini") if "tox.ini" in paths else None
    results = {"security_policy": security_policy(paths), "dependency_constraints": dependency_constraints(paths, tox)}
    return [{"repo": name, "check_name": check, "captured_at": captured, "passed": passed, "detail": detail}
            for check, (passed, detail) in results.items()]


def _repositories(folder: Path, wanted: list[str]) -> list[tuple[str, Path]]:
    found = {p.name: p for p in sorted(folder.iterdir())
             if p.is_dir() and ((p / ".git").exists() or (p / "HEAD").is_file())}
    missing = [w for w in wanted if w not in found]
    if missing:
        raise CollectorError(f"repo_checks: no git repository {missing[0]!r} in {folder}")
    return [(n, found[n]) for n in (wanted or sorted(found))]


def collect(spec: SourceSpec, since: str | None, progress=None) -> Iterator[Batch]:
    """One batch with two rows per repository."""
    folder = Path(spec.location)
    if not folder.is_dir():
        raise CollectorError(f"repo_checks source {spec.source_id}: {folder} is not a directory")
    rows = []
    for name, path in _repositories(folder, [str(r) for r in spec.options.get("repos") or []]):
        rows += check_repo(path, PurePosixPath(name).name)
        if progress is not None:
            progress(1, message=f"hygiene {name}")
    yield Batch(frames={"repo_checks": pl.DataFrame(rows, schema=SCHEMA)})
