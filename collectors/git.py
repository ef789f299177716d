"""Git collector: one repository's history -> ``commits``, ``commit_files``, ``identities``.

First step of the flow for code activity (sources -> collectors -> warehouse).
For one :class:`~collectors.base.SourceSpec` it finds the repository (a local
path, or a clone URL mirrored with ``git clone --bare`` / ``git fetch`` into
``options["clone_dir"]``), picks the branch (``options["branch"]`` or the
default branch) and runs one streaming ``git log -z --numstat`` process whose
output is parsed as it arrives (:mod:`collectors.gitlog`) and flushed as a
:class:`~collectors.base.Batch` every ``options["batch_commits"]`` commits, so
memory does not grow with history length.  A history of at least
``options["split_min_commits"]`` commits is read instead by one worker process
per core, each on a contiguous slice (:mod:`collectors.gitsplit`), while this
process reads the head's content.

After the commits, the head's content is read (:mod:`collectors.repo_content`:
dependency manifests, conventions, code windows) into the last batch, the
one that advances the cursor, so a cursor never runs ahead of the content.  An
unreadable manifest line does not fail the source: its one-line message (file
and line) is the ``manifests_readable`` check's detail, shown on the
Consistency page, and everything else is loaded.

Incremental runs: ``since`` is the head sha collected last time.  Same head ->
nothing to do; an ancestor of the new head -> only ``since..head`` is read;
anything else (history rewritten, unknown sha, first run) -> a full re-scan
whose first batch replaces the repository's rows, so dropped commits vanish.
Git itself does nearly all of the work (DESIGN.md section 7): a reader thread
keeps draining git's pipe while batches are being loaded.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from collectors.base import Batch, CollectorError, SourceSpec, identity_id, utc_now
from collectors.gitlog import LogParser
from collectors.gitrun import LOG_ARGS, git, git_env, stream_log  # noqa: F401 - LOG_ARGS: API (benchmarks)
from collectors.gitsplit import read_split, rev_list
from collectors.repo_content import TABLES as CONTENT_TABLES
from collectors.repo_content import read_content

#: Commits per batch (one warehouse transaction each).
BATCH_COMMITS = 20_000
#: Histories at least this long are read by one worker process per core (:mod:`collectors.gitsplit`).
SPLIT_MIN_COMMITS = 5_000

_SCP_URL = re.compile(r"^[\w.+-]+@[\w.-]+:")


class LargeHistory(Exception):
    """Raised instead of reading a history worth splitting when ``options["read_ahead"]`` is set:
    the caller reads it in its main flow (one split at a time), not in a read-ahead thread."""


@dataclass
class Started:
    """One run of a repository planned, its split workers (if any) already reading.

    Made by :func:`start` before the warehouse is open (the runner's head start),
    consumed by :func:`collect`; :meth:`close` stops the workers when not consumed.
    """

    since: str | None
    path: Path
    repo: str
    head: str
    revs: list[str]
    replace: dict
    fetched_at: datetime
    history: object

    def close(self) -> None:
        closer = getattr(self.history, "close", None)
        if closer is not None:
            closer()


def start(spec: SourceSpec, since: str | None) -> Started | None:
    """Plan a run of ``spec`` after ``since`` and start reading; None when there is nothing to do."""
    path = repository_path(spec)
    repo = repo_name(spec)
    head = resolve_head(path, spec.options.get("branch"))
    if head is None or since == head:
        return None
    if since and is_ancestor(path, since, head):
        revs, replace = [f"{since}..{head}"], {}
    else:
        revs, replace = [head], {"commits": {"repo": repo}, "commit_files": {"repo": repo}}
    fetched_at = utc_now()
    history = _history(spec, path, repo, revs, fetched_at)
    return Started(since, path, repo, head, revs, replace, fetched_at, history)


def collect(spec: SourceSpec, since: str | None, progress=None, started: Started | None = None) -> Iterator[Batch]:
    """Yield batches of ``spec``'s commits after ``since`` (a head sha) on its branch.

    ``started``: what :func:`start` began for the same ``since`` (the runner
    starts the first repository's workers before it opens the warehouse).
    """
    run = started if started is not None else start(spec, since)
    if run is None:
        return
    path, repo, head, replace, history = run.path, run.repo, run.head, dict(run.replace), run.history
    with contextlib.closing(history):
        content = early = None
        if isinstance(history, read_split):   # the head's content is read while the workers read the history
            try:
                content = read_content(path, repo, head, since, dict(spec.options))
            except Exception as err:         # noqa: BLE001 - raised after the history: git log's error comes first
                early = err
        last = None
        for frames, commits, more in _with_more(history):
            if last is not None:        # not the last batch: no cursor yet
                yield Batch(last[0], replace=replace)
                replace = {}
                if progress is not None:
                    progress(advance=last[1])
                last = None
            if more and early is None:  # known not to be the last: loaded while the other slices are read
                yield Batch(frames, replace=replace)
                replace = {}
                if progress is not None:
                    progress(advance=commits)
            else:
                last = frames, commits
    if early is not None:
        raise early
    if not isinstance(history, read_split):
        content = read_content(path, repo, head, since, dict(spec.options))   # None: same tree as last time
    frames, commits = last
    if content is not None:
        frames.update(content.frames)
        replace = {**replace, **{table: {"repo": repo} for table in CONTENT_TABLES}}
    yield Batch(frames, cursor=head, replace=replace)
    if progress is not None and commits:
        progress(advance=commits)
    if progress is not None and content is not None and content.problems:
        # not an error of the source (git sources load all or nothing): the problem is kept in
        # repo_checks (manifests_readable, detail = the one-line message) and said here
        progress(message=content.problems[0])


def _with_more(history) -> Iterator[tuple[dict, int, bool]]:
    """(frames, commits, more): ``more`` when a later batch is sure to follow (a split's earlier slices)."""
    if isinstance(history, read_split):
        yield from history.batches()
        return
    for frames, commits in history:
        yield frames, commits, False


def workers_of(spec: SourceSpec) -> int:
    """Worker processes for one history: ``options["workers"]``, default every core."""
    return max(1, int(spec.options.get("workers") or os.cpu_count() or 1))


def _history(spec: SourceSpec, path: Path, repo: str, revs: list[str], fetched_at):
    """(frames, commits) per batch of ``git log revs``; the last one may be empty.

    A history of at least ``options["split_min_commits"]`` commits is read in
    contiguous slices by :class:`collectors.gitsplit.read_split` (one process per
    core, started now); a smaller one by one streaming ``git log`` here, when
    iterated (no process start-up).
    """
    size = int(spec.options.get("batch_commits") or BATCH_COMMITS)
    workers = workers_of(spec)
    if workers > 1:
        shas = rev_list(path, revs)
        if len(shas) >= int(spec.options.get("split_min_commits") or SPLIT_MIN_COMMITS):
            if spec.options.get("read_ahead"):
                raise LargeHistory(spec.source_id)
            return read_split(path, repo, spec.source_id, shas, workers, size, fetched_at)
    return _single_process(spec, path, repo, revs, fetched_at, size)


def _single_process(spec: SourceSpec, path: Path, repo: str, revs: list[str], fetched_at,
                    size: int) -> Iterator[tuple[dict, int]]:
    parser = LogParser(lambda name, email: identity_id("git", email=email, name=name))
    with contextlib.closing(stream_log(path, revs)) as chunks:   # stops git if we are abandoned
        for text in chunks:
            for commits in parser.feed(text, size):
                yield parser.take_frames(repo, spec.source_id, fetched_at), commits
    parser.close()
    commits = parser.commits          # take_frames starts the count afresh
    yield parser.take_frames(repo, spec.source_id, fetched_at), commits


# -- where the repository is ----------------------------------------------------
def is_url(location: str) -> bool:
    return "://" in location or bool(_SCP_URL.match(location))


def repo_name(spec: SourceSpec) -> str:
    name = spec.options.get("repo")
    if name:
        return name
    base = spec.location.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return base[:-4] if base.endswith(".git") else base


def repository_path(spec: SourceSpec) -> Path:
    """Local path of the repository, cloning or fetching a URL first."""
    location = spec.location
    if not location:
        raise CollectorError(f"git source {spec.source_id} has no path or url")
    if is_url(location):
        clone_dir = spec.options.get("clone_dir")
        if not clone_dir:
            raise CollectorError(f"git source {location} is a URL but no clone_dir was given")
        return mirror(location, Path(clone_dir))
    path = Path(location).expanduser()
    if not path.exists():
        raise CollectorError(f"git repository {location} does not exist")
    check_repository(path, location)
    return path


def check_repository(path: Path, label: str) -> None:
    """Raise unless ``path`` itself (not a parent folder) is a git repository."""
    env = git_env()
    env["GIT_CEILING_DIRECTORIES"] = str(path.resolve().parent)
    done = subprocess.run(["git", "-C", str(path), "rev-parse", "--git-dir"],
                          capture_output=True, env=env)
    if done.returncode != 0:
        raise CollectorError(f"{label} is not a git repository")


def mirror(url: str, clone_dir: Path) -> Path:
    """Bare clone of ``url`` in ``clone_dir``, fetched up to date."""
    if (clone_dir / "HEAD").exists():
        git(clone_dir, "remote", "set-url", "origin", url, label=url)
        git(clone_dir, "fetch", "--quiet", "--prune", "--force", "origin",
            "+refs/heads/*:refs/heads/*", label=url)
        _follow_remote_head(clone_dir, url)
    else:
        clone_dir.parent.mkdir(parents=True, exist_ok=True)
        git(clone_dir.parent, "clone", "--bare", "--quiet", url, str(clone_dir), label=url)
    return clone_dir


def _follow_remote_head(clone_dir: Path, url: str) -> None:
    """Point HEAD at the remote's current default branch (it may have changed)."""
    out = git(clone_dir, "ls-remote", "--symref", "origin", "HEAD", label=url)
    for line in out.splitlines():
        if line.startswith("ref: ") and line.endswith("\tHEAD"):
            git(clone_dir, "symbolic-ref", "HEAD", line[5:].split("\t")[0], label=url)


def resolve_head(path: Path, branch: str | None) -> str | None:
    """Sha of the branch to collect; None for a repository without commits."""
    if branch:
        if branch.startswith("-"):
            raise CollectorError(f"{path}: bad branch name {branch!r}")
        candidates = [f"refs/heads/{branch}", f"refs/remotes/origin/{branch}", branch]
    else:
        candidates = ["HEAD", "refs/remotes/origin/HEAD"]
    for ref in candidates:
        sha = _verify(path, ref)
        if sha:
            return sha
    if branch:
        raise CollectorError(f"{path}: branch {branch!r} not found")
    return None


def _verify(path: Path, ref: str) -> str | None:
    done = subprocess.run(["git", "-C", str(path), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                          capture_output=True, text=True, env=git_env())
    return done.stdout.strip() or None if done.returncode == 0 else None


def is_ancestor(path: Path, older: str, newer: str) -> bool:
    """True when ``older`` is a known commit reachable from ``newer``."""
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", older or ""):
        return False
    done = subprocess.run(["git", "-C", str(path), "merge-base", "--is-ancestor", older, newer],
                          capture_output=True, env=git_env())
    return done.returncode == 0


def read_mailmap(repo_path: str | os.PathLike, rev: str = "HEAD") -> str | None:
    """Text of ``.mailmap`` at ``rev`` (for the identity layer), or None."""
    done = subprocess.run(["git", "-C", str(repo_path), "show", f"{rev}:.mailmap"],
                          capture_output=True, env=git_env())
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", errors="replace")
