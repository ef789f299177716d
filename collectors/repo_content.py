"""A repository's content at its collected head -> dependencies, conventions, code windows.

Called by the git collector (:mod:`collectors.git`) after a repository's
commits, so every configured repository is read as part of its git
collection.  No checkout: one ``git ls-tree -r`` lists the head's tree and one
``git cat-file --batch`` process streams the blobs worth reading (Python
files, manifests, a few config files).  Incremental by tree id: when the
previous head (the source's cursor) had the same tree, nothing is read.

Output frames, in the warehouse's column names:

* ``dependencies``: every manifest's requirements (:mod:`collectors.manifests`);
* ``repo_checks``: one row per convention (:mod:`collectors.conventions`),
  stamped with the head's commit time, plus ``manifests_readable`` whose
  detail names the first unreadable manifest line;
* ``code_windows``: hashed normalised windows of Python files
  (:mod:`collectors.code_windows`);
* ``repo_imports``: modules imported, with the number of files importing each;
* ``repo_content``: head, tree id and Python size of the repository.

A malformed manifest never stops the rest: its problem is returned (one line
naming file and line) and the other files are still read.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from collectors.base import CollectorError
from collectors.code_windows import windows
from collectors.conventions import RepoTree, run_rules
from collectors.ini_lines import ParseError
from collectors.manifests import is_manifest, parse_manifest

#: Python files larger than this are generated or vendored: not read for duplicates
MAX_PYTHON_BYTES = 1 << 20
_CONFIG_FILES = ("tox.ini", "setup.cfg", "pyproject.toml")
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([A-Za-z_][\w.]*"
                     r"(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*))", re.MULTILINE)

TABLES = ("dependencies", "code_windows", "repo_imports")
SCHEMAS = {
    "dependencies": {"repo": pl.String, "file": pl.String, "section": pl.String, "name": pl.String,
                     "specifier": pl.String, "markers": pl.String, "extras": pl.String, "kind": pl.String,
                     "line": pl.Int32, "captured_at": pl.Datetime("us", "UTC")},
    "repo_checks": {"repo": pl.String, "check_name": pl.String, "captured_at": pl.Datetime("us", "UTC"),
                    "passed": pl.Boolean, "detail": pl.String},
    "code_windows": {"repo": pl.String, "path": pl.String, "start_line": pl.Int32, "end_line": pl.Int32,
                     "hash": pl.Int64},
    "repo_imports": {"repo": pl.String, "module": pl.String, "files": pl.Int32},
    "repo_content": {"repo": pl.String, "head": pl.String, "tree": pl.String,
                     "captured_at": pl.Datetime("us", "UTC"), "files": pl.Int32, "python_files": pl.Int32,
                     "python_lines": pl.Int32},
}


@dataclass
class Content:
    frames: dict[str, pl.DataFrame]
    problems: list[str] = field(default_factory=list)


def tree_id(path: Path, rev: str) -> str | None:
    done = subprocess.run(["git", "-C", str(path), "rev-parse", "--verify", "--quiet", f"{rev}^{{tree}}"],
                          capture_output=True, text=True)
    return done.stdout.strip() or None if done.returncode == 0 else None


def list_tree(path: Path, rev: str) -> list[tuple[str, int, str]]:
    """(blob sha, size, path) of every file at ``rev``."""
    out = _git(path, "ls-tree", "-r", "-z", "-l", "--full-tree", rev)
    found = []
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, sha, size = meta.split()
        if kind == b"blob" and not mode.startswith(b"120"):        # files, not symlinks or submodules
            found.append((sha.decode(), int(size) if size != b"-" else 0, name.decode("utf-8", "replace")))
    return found


def read_blobs(path: Path, shas: list[str]) -> dict[str, bytes]:
    """Contents of ``shas`` through one ``git cat-file --batch`` process."""
    if not shas:
        return {}
    done = subprocess.run(["git", "-C", str(path), "cat-file", "--batch"], input="\n".join(shas).encode() + b"\n",
                          capture_output=True)
    if done.returncode != 0:
        raise CollectorError(f"git cat-file failed in {path}: {done.stderr.decode(errors='replace').strip()[:200]}")
    out, pos, blobs = done.stdout, 0, {}
    for sha in shas:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        if len(header) < 3:
            raise CollectorError(f"git cat-file in {path}: unexpected answer for {sha}")
        size = int(header[2])
        blobs[sha] = out[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
    return blobs


def _git(path: Path, *args: str) -> bytes:
    done = subprocess.run(["git", "-C", str(path), *args], capture_output=True)
    if done.returncode != 0:
        raise CollectorError(f"git {args[0]} failed in {path}: {done.stderr.decode(errors='replace').strip()[:200]}")
    return done.stdout


def read_content(path: Path, repo: str, head: str, since: str | None, options: dict) -> Content | None:
    """Everything read from ``head``'s tree, or None when ``since`` had the same tree."""
    tree = tree_id(path, head)
    if since and tree is not None and tree_id(path, since) == tree:
        return None
    entries = list_tree(path, head)
    captured = datetime.fromisoformat(_git(path, "log", "-1", "--format=%cI", head).decode().strip())
    wanted = [(sha, name) for sha, size, name in entries
              if (name.endswith(".py") and size <= MAX_PYTHON_BYTES) or is_manifest(name) or name in _CONFIG_FILES]
    blobs = read_blobs(path, list(dict.fromkeys(sha for sha, _ in wanted)))
    texts = {name: blobs[sha].decode("utf-8", errors="replace") for sha, name in wanted}
    content = Content({})
    rows: dict[str, list] = {table: [] for table in SCHEMAS}
    rows["dependencies"] = _dependencies(repo, texts, captured, content.problems)
    windows_frame, imports, python_lines = _python(repo, texts)
    rows["repo_imports"] = [{"repo": repo, "module": m, "files": n} for m, n in sorted(imports.items())]
    repo_tree = RepoTree([name for _, _, name in entries], texts, imports, {**options, "repo": repo})
    checks = run_rules(repo_tree) + [("manifests_readable", not content.problems,
                                      content.problems[0] if content.problems else "every manifest parsed")]
    rows["repo_checks"] = [{"repo": repo, "check_name": n, "captured_at": captured, "passed": p, "detail": d}
                           for n, p, d in checks]
    rows["repo_content"] = [{"repo": repo, "head": head, "tree": tree, "captured_at": captured,
                             "files": len(entries), "python_files": sum(1 for n in texts if n.endswith(".py")),
                             "python_lines": python_lines}]
    content.frames = {table: pl.DataFrame(rows[table], schema=schema) for table, schema in SCHEMAS.items()
                      if table != "code_windows"}
    content.frames["code_windows"] = windows_frame
    return content


def _dependencies(repo: str, texts: dict[str, str], captured: datetime, problems: list[str]) -> list[dict]:
    rows = []
    for name in sorted(n for n in texts if is_manifest(n)):
        try:        # a bad line is recorded in problems and the file's other lines still count
            deps = parse_manifest(name, texts[name], texts.get, problems)
        except ParseError as err:       # the whole file is unreadable (TOML syntax, INI structure)
            problems.append(str(err))
            continue
        rows += [{"repo": repo, "file": d.file, "section": d.section, "name": d.name, "specifier": d.specifier,
                  "markers": d.markers, "extras": d.extras, "kind": d.kind, "line": d.line, "captured_at": captured}
                 for d in deps]
    return rows


def _python(repo: str, texts: dict[str, str]) -> tuple[pl.DataFrame, dict[str, int], int]:
    """(code windows frame, module -> files importing it, normalised code lines), built column-wise."""
    imports: dict[str, int] = {}
    total = 0
    paths: list[str] = []
    found: list[tuple[int, int, int]] = []
    for name, text in texts.items():
        if not name.endswith(".py"):
            continue
        in_file, lines = windows(text)
        total += lines
        found += in_file
        paths += [name] * len(in_file)
        for module in _imported_modules(text):
            imports[module] = imports.get(module, 0) + 1
    starts, ends, hashes = (list(column) for column in zip(*found)) if found else ([], [], [])
    frame = pl.DataFrame({"repo": [repo] * len(found), "path": paths, "start_line": starts, "end_line": ends,
                          "hash": hashes}, schema=SCHEMAS["code_windows"])
    return frame, imports, total


def _imported_modules(text: str) -> set[str]:
    """Absolute modules a file imports, cut to two components (``oslo_config.cfg`` -> ``oslo_config.cfg``)."""
    modules = set()
    for match in _IMPORT.finditer(text):
        names = [match.group(1)] if match.group(1) else re.split(r"[ \t]*,[ \t]*", match.group(2))
        modules.update(".".join(n.split(".")[:2]) for n in names if n)
    return modules
