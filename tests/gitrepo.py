"""Build real git repositories for tests, with chosen people, dates and files.

Any test that needs a git history (collector, identities, demo, metrics) can
describe it as data and get a real repository made with ``git commit``::

    repo = make_repo(tmp_path, commits=[
        {"author": "Ada <ada@vendor-a.example>", "date": "2024-01-02T10:00:00+01:00",
         "files": {"a.txt": "one\\ntwo\\n", "logo.png": b"\\x89PNG\\x00"},
         "message": "Add a\\n\\nChange-Id: I0123\\nCo-Authored-By: Bo <bo@b.example>"},
        {"branch": "topic", "author": "Bo <bo@b.example>", "date": "2024-01-03T09:00:00-05:00",
         "files": {"b.txt": "x\\n"}},
        {"merge": "topic", "author": "Ada <ada@vendor-a.example>", "date": "2024-01-04T09:00:00Z"},
        {"renames": {"a.txt": "docs/a.txt"}, "date": "2024-01-05T09:00:00Z"},
    ])

Commit keys: ``author`` / ``committer`` ("Name <email>"), ``date`` /
``commit_date`` (ISO 8601 with offset; the committer defaults to the author),
``files`` ({path: str | bytes | None}, None deletes), ``renames`` ({old: new}),
``message`` (default "change N"), ``branch`` (commit on this branch, created
from the current one if new), ``merge`` (merge that branch into ``into``, the
default branch unless given, with ``--no-ff``).  After a ``branch`` commit the
following commits stay on that branch until one names another ``branch``.
Global and system git config are ignored, so results are the same everywhere.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any, Iterable

DEFAULT_AUTHOR = "Test Author <author@example.org>"
DEFAULT_DATE = "2024-01-01T12:00:00+00:00"


def git(repo: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    """Run git in ``repo`` with an isolated config; return stdout."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    full_env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
                     "HOME": str(repo), "LC_ALL": "C"})
    full_env.update(env or {})
    done = subprocess.run(["git", "-C", str(repo), "-c", "commit.gpgsign=false", "-c", "user.name=Nobody",
                           "-c", "user.email=nobody@example.org", *args],
                          input=stdin, capture_output=True, text=True, env=full_env)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def person(text: str) -> tuple[str, str]:
    match = re.fullmatch(r"\s*(.*?)\s*<([^>]*)>\s*", text)
    if not match:
        raise ValueError(f"expected 'Name <email>', got {text!r}")
    return match.group(1), match.group(2)


def init_repo(path: Path, *, branch: str = "main", bare: bool = False) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", f"--initial-branch={branch}", *(["--bare"] if bare else []))
    return path


def make_repo(tmp_path: Path, commits: Iterable[dict[str, Any]] = (), *, name: str = "repo",
              branch: str = "main") -> Path:
    """A new repository at ``tmp_path/name`` holding ``commits`` (see module doc)."""
    repo = init_repo(Path(tmp_path) / name, branch=branch)
    add_commits(repo, commits, default_branch=branch)
    return repo


def add_commits(repo: Path, commits: Iterable[dict[str, Any]], *, default_branch: str = "main") -> list[str]:
    """Append ``commits`` to ``repo``; return their shas in order."""
    shas = []
    for number, spec in enumerate(commits, start=1):
        if "merge" in spec:
            shas.append(merge(repo, spec["merge"], into=spec.get("into", default_branch), **_who(spec, number)))
        else:
            if "branch" in spec:
                _switch(repo, spec["branch"])
            shas.append(commit(repo, files=spec.get("files"), renames=spec.get("renames"),
                               **_who(spec, number)))
    return shas


def _who(spec: dict[str, Any], number: int) -> dict[str, Any]:
    return {"author": spec.get("author", DEFAULT_AUTHOR), "date": spec.get("date", DEFAULT_DATE),
            "committer": spec.get("committer"), "commit_date": spec.get("commit_date"),
            "message": spec.get("message", f"change {number}")}


def _dates_env(author: str, date: str, committer: str | None, commit_date: str | None) -> dict[str, str]:
    a_name, a_email = person(author)
    c_name, c_email = person(committer or author)
    return {"GIT_AUTHOR_NAME": a_name, "GIT_AUTHOR_EMAIL": a_email, "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": c_name, "GIT_COMMITTER_EMAIL": c_email,
            "GIT_COMMITTER_DATE": commit_date or date}


def _switch(repo: Path, branch: str) -> None:
    if git(repo, "branch", "--list", branch).strip():
        git(repo, "checkout", "-q", branch)
    else:
        git(repo, "checkout", "-q", "-b", branch)


def commit(repo: Path, *, files: dict[str, str | bytes | None] | None = None,
           renames: dict[str, str] | None = None, author: str = DEFAULT_AUTHOR, date: str = DEFAULT_DATE,
           committer: str | None = None, commit_date: str | None = None, message: str = "change",
           amend: bool = False) -> str:
    """One commit on the current branch (``--allow-empty``); return its sha."""
    for old, new in (renames or {}).items():
        (repo / new).parent.mkdir(parents=True, exist_ok=True)
        git(repo, "mv", old, new)
    for path, content in (files or {}).items():
        target = repo / path
        if content is None:
            git(repo, "rm", "-q", "--", path)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        git(repo, "add", "--", path)
    git(repo, "commit", "-q", "--allow-empty", "--cleanup=verbatim", *(["--amend"] if amend else []),
        "-F", "-", env=_dates_env(author, date, committer, commit_date), stdin=message)
    return head(repo)


def merge(repo: Path, branch: str, *, into: str = "main", author: str = DEFAULT_AUTHOR,
          date: str = DEFAULT_DATE, committer: str | None = None, commit_date: str | None = None,
          message: str | None = None) -> str:
    """``git merge --no-ff branch`` into ``into``; return the merge commit's sha."""
    git(repo, "checkout", "-q", into)
    git(repo, "merge", "-q", "--no-ff", "-m", message or f"Merge branch '{branch}'", branch,
        env=_dates_env(author, date, committer, commit_date))
    return head(repo)


def head(repo: Path, ref: str = "HEAD") -> str:
    return git(repo, "rev-parse", ref).strip()


def reset_hard(repo: Path, ref: str) -> None:
    """Rewrite history: move the current branch to ``ref`` (drops later commits)."""
    git(repo, "reset", "-q", "--hard", ref)
