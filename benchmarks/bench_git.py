"""Benchmark: git collection vs raw ``git log --numstat`` and PyDriller; no-op re-collects.

Targets (issue 11 item 4, on 2 cores): a full collection of a 10,000+ commit
history at most 0.6x one raw ``git log`` with the collector's exact arguments
(``LOG_ARGS``), at least 20x faster than PyDriller, peak RSS at most 1 GiB; a
no-op re-collect at most 0.3 s per repository and 2,000 repositories in at most
a minute.

Builds (once, cached under ``--workdir``) a repository of ``--commits``
commits with ``git fast-import``: 60 authors in 12 organisations and several
time zones, a few files changed per commit with small line edits, new and
deleted files, renames, binary files and merged topic branches.  A tag
``half`` marks the middle of the history.  Then, in one run, each figure a
median of ``--repeat`` interleaved runs (the machine's load average is printed:
every timing needs idle cores to mean anything):

1. raw ``git log`` (the collector's exact arguments and environment) to /dev/null,
   the baseline, and plain ``git log --numstat -M`` (nothing tuned), a second one;
2. a full collection through the real runner, in one process (``workers = 1``)
   and split over every core (``collectors.gitsplit``), into a new warehouse
   (created and migrated in the run) and, split, into an existing migrated empty one;
3. the same three on the larger real bundle in ../shared/data/openstack/repos;
4. PyDriller over the same history (when installed: ``pip install pydriller``);
5. peak RSS of a split collection of ``half`` and of the whole history, each in
   a fresh subprocess: the collector process and its largest child (a worker or git);
6. a no-op re-collect of one repository and of ``--noop-repos`` small real
   repositories (``bench_git_noop.py``), against ``git rev-parse`` of each.

Usage: ``.venv/bin/python benchmarks/bench_git.py [--commits 12000] [--repeat 3] [--noop-repos 2000]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from collectors.git import LOG_ARGS, git_env
from collectors.gitrun import log_env
from healthdash.collect import collect, git_source
from healthdash.settings import Settings
from healthdash.warehouse import reader
from healthdash.warehouse.store import writer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_git_noop  # noqa: E402
import bench_git_repos  # noqa: E402

SHARED_REPOS = Path(__file__).resolve().parents[1] / "../shared/data/openstack/repos"

ORGS = ["vendor-a.example", "vendor-b.example", "vendor-c.example", "cloudco.example", "telco.example",
        "distro.example", "uni.example", "bank.example", "hoster.example", "chipmaker.example",
        "gmail.com", "users.noreply.github.com"]
TZ = ["+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+0800", "+0900", "-0300", "+1000"]
WORDS = ("value result config request server client volume network image instance port quota "
         "scheduler driver compute flavor tenant token policy handler return self none true "
         "false raise error timeout retry").split()


# -- building the synthetic repository ------------------------------------------
class History:
    """Generates a fast-import stream; file contents are tracked in memory."""

    def __init__(self, seed: int = 42) -> None:
        self.rng = random.Random(seed)
        self.people = [(f"Dev {i:02d} {self.rng.choice(WORDS).title()}", f"dev{i:02d}@{ORGS[i % len(ORGS)]}",
                        TZ[i % len(TZ)]) for i in range(60)]
        self.files: dict[str, list[str] | bytes] = {}
        self.mark = 0
        self.when = 1_420_070_400        # 2015-01-01
        self.serial = 0

    def line(self) -> str:
        rng = self.rng
        words = rng.sample(WORDS, rng.randint(2, 6))
        return f"{'    ' * rng.randint(0, 3)}{words[0]} = {words[1]}({', '.join(words[2:])})\n"

    def new_text(self) -> list[str]:
        return [self.line() for _ in range(self.rng.randint(15, 80))]

    def edit(self, lines: list[str]) -> list[str]:
        rng = self.rng
        lines = list(lines)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(lines) + 1)
            kind = rng.random()
            if kind < 0.45 and at < len(lines):
                lines[at] = self.line()
            elif kind < 0.85 or len(lines) < 10:
                lines[at:at] = [self.line() for _ in range(rng.randint(1, 5))]
            else:
                del lines[at:at + rng.randint(1, 3)]
        return lines

    def changes(self, files: dict) -> tuple[list[tuple], dict]:
        """File operations of one ordinary commit applied to ``files``."""
        rng = self.rng
        ops = []
        paths = list(files)
        roll = rng.random()
        if roll < 0.05 or len(paths) < 50:
            path = f"pkg{rng.randrange(30)}/mod_{self.serial}_{rng.randrange(1000)}.py"
            files[path] = self.new_text()
            ops.append(("M", path, files[path]))
        elif roll < 0.06:
            path = rng.choice(paths)
            del files[path]
            ops.append(("D", path))
        elif roll < 0.07:
            old = rng.choice([p for p in paths if p.endswith(".py")] or paths)
            new = f"pkg{rng.randrange(30)}/moved_{self.serial}.py"
            files[new] = files.pop(old)
            ops.append(("R", old, new))
            if rng.random() < 0.5 and isinstance(files[new], list):
                files[new] = self.edit(files[new])
                ops.append(("M", new, files[new]))
        elif roll < 0.08:
            path = f"assets/img{rng.randrange(40)}.png"
            files[path] = b"\x89PNG\r\n\x1a\n\x00" + rng.randbytes(rng.randint(200, 2000))
            ops.append(("M", path, files[path]))
        text_paths = [p for p in paths if p in files and isinstance(files[p], list)]
        for path in rng.sample(text_paths, min(len(text_paths), rng.randint(1, 4))):
            files[path] = self.edit(files[path])
            ops.append(("M", path, files[path]))
        return ops, files

    def commit(self, ref: str, ops: list[tuple], *, parent: int | None = None,
               merge: int | None = None, subject: str | None = None) -> tuple[bytes, int]:
        rng = self.rng
        self.mark += 1
        self.serial += 1
        self.when += rng.randint(600, 5400)
        name, email, tz = rng.choice(self.people)
        body = subject or f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {rng.choice(WORDS)} handling"
        body += f"\n\nSome explanation of change {self.serial}.\n\nChange-Id: I{rng.getrandbits(160):040x}\n"
        if rng.random() < 0.1:
            co_name, co_email, _ = rng.choice(self.people)
            body += f"Co-Authored-By: {co_name} <{co_email}>\n"
        body += f"Signed-off-by: {name} <{email}>\n"
        out = [f"commit {ref}\nmark :{self.mark}\n",
               f"author {name} <{email}> {self.when} {tz}\n",
               f"committer {name} <{email}> {self.when + rng.randint(0, 86400)} {tz}\n"]
        out.append(_data(body.encode()))
        if parent is not None:
            out.append(f"from :{parent}\n")
        if merge is not None:
            out.append(f"merge :{merge}\n")
        for op in ops:
            if op[0] == "D":
                out.append(f"D {op[1]}\n")
            elif op[0] == "R":
                out.append(f"R {op[1]} {op[2]}\n")
            else:
                content = op[2] if isinstance(op[2], bytes) else "".join(op[2]).encode()
                out.append(f"M 100644 inline {op[1]}\n")
                out.append(_data(content))
        out.append("\n")
        return b"".join(part if isinstance(part, bytes) else part.encode() for part in out), self.mark

    def stream(self, total: int):
        """Yield fast-import chunks for ``total`` commits (merges included)."""
        made, tip, half_tagged = 0, None, False
        while made < total:
            if tip is not None and self.rng.random() < 0.03 and total - made > 4:
                chunk, tip, count = self.topic(tip)
                yield chunk
                made += count
            else:
                ops, self.files = self.changes(self.files)
                chunk, tip = self.commit("refs/heads/main", ops)
                yield chunk
                made += 1
            if made >= total // 2 and not half_tagged:
                half_tagged = True
                yield f"reset refs/tags/half\nfrom :{tip}\n\n".encode()

    def topic(self, base: int) -> tuple[bytes, int, int]:
        """2-3 commits on a topic branch, merged back with --no-ff semantics."""
        files = dict(self.files)
        chunks, touched, tip = [], {}, base
        for index in range(self.rng.randint(2, 3)):
            ops, files = self.changes(files)
            ops = [op for op in ops if op[0] == "M"]      # no renames/deletes on topics
            for op in ops:
                touched[op[1]] = op
            chunk, tip = self.commit("refs/heads/topic", ops, parent=base if index == 0 else None)
            chunks.append(chunk)
        merge_ops = [("M", path, files[path]) for path in touched]
        chunk, merged = self.commit("refs/heads/main", merge_ops, merge=tip, subject="Merge topic branch")
        chunks.append(chunk)
        self.files = files
        return b"".join(chunks), merged, len(chunks)


def _data(content: bytes) -> bytes:
    return b"data " + str(len(content)).encode() + b"\n" + content + b"\n"


def build_repo(workdir: Path, commits: int) -> Path:
    repo = workdir / f"synthetic-{commits}"
    done = repo / "healthdash-bench-complete"
    if done.exists():
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=main", str(repo)], check=True, env=git_env())
    started = time.perf_counter()
    proc = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet"], stdin=subprocess.PIPE, env=git_env())
    for chunk in History().stream(commits):
        proc.stdin.write(chunk)
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", str(repo), "repack", "-adq"], check=True, env=git_env())
    subprocess.run(["git", "-C", str(repo), "branch", "-D", "topic"], capture_output=True, env=git_env())
    done.write_text("ok\n")
    print(f"built {repo} in {time.perf_counter() - started:.1f}s", flush=True)
    return repo


# -- measuring ------------------------------------------------------------------
def time_raw_log(repo: Path, rev: str = "main") -> float:
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run(["git", "-C", str(repo), *LOG_ARGS, rev, "--"], stdout=sink, check=True, env=log_env())
    return time.perf_counter() - started


def time_plain_log(repo: Path, rev: str = "main") -> float:
    """A second baseline: plain ``git log --numstat -M`` (default format, no option or environment tuned)."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run(["git", "-C", str(repo), "log", "--numstat", "-M", rev, "--"], stdout=sink, check=True)
    return time.perf_counter() - started


def time_collection(repo: Path, rev: str = "main", workers: int = 1, show_shape: bool = False,
                    existing: bool = False) -> tuple[float, int]:
    """Seconds of a full collection into a new warehouse (``workers`` > 1: always split).

    ``existing``: into an existing, migrated, empty warehouse (made before the clock starts),
    so creating the file and applying every migration are not counted.
    """
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(path=None, warehouse=Path(tmp) / "bench.duckdb")
        if existing:
            with writer(settings.warehouse):
                pass
        source = git_source("synthetic", str(repo), branch=rev)
        source = replace(source, options={**source.options, "workers": workers, "split_min_commits": 1})
        started, cpu = time.perf_counter(), _cpu_seconds()
        [result] = collect(settings, [source])
        elapsed = time.perf_counter() - started
        own, children = (after - before for after, before in zip(_cpu_seconds(), cpu))
        if show_shape:
            print(f"CPU seconds ({workers} worker{'s' if workers > 1 else ''}): collector process {own:.2f}, "
                  f"its git and worker processes {children:.2f}", flush=True)
        if result.error:
            sys.exit(f"collection failed: {result.error}")
        with reader(settings.warehouse) as con:
            commits = con.execute("SELECT count(*) FROM commits").fetchone()[0]
            if show_shape:
                print(shape(con), flush=True)
    return elapsed, commits


def time_pydriller(repo: Path, rev: str = "main") -> tuple[float, int] | None:
    """PyDriller over the same history, reading what healthdash stores (None when not installed:
    it is only for this comparison, ``pip install pydriller``, not a dependency)."""
    try:
        from pydriller import Repository  # noqa: PLC0415
    except ImportError:
        return None
    started, count = time.perf_counter(), 0
    for commit in Repository(str(repo), only_in_branch=rev).traverse_commits():
        commit.insertions, commit.deletions, commit.author.email, commit.committer_date   # noqa: B018
        for modified in commit.modified_files:
            modified.added_lines, modified.deleted_lines, modified.new_path   # noqa: B018
        count += 1
    return time.perf_counter() - started, count


def _cpu_seconds() -> tuple[float, float]:
    """(user+sys of this process, user+sys of its finished children)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def shape(con) -> str:
    """One line describing what the history contains."""
    merges, authors, files, renames, binaries = con.execute(
        "SELECT (SELECT count(*) FROM commits WHERE is_merge), "
        "(SELECT count(DISTINCT author_email) FROM commits), count(*), "
        "count(*) FILTER (WHERE old_path IS NOT NULL), count(*) FILTER (WHERE added IS NULL) "
        "FROM commit_files").fetchone()
    return (f"history: {merges} merges, {authors} authors, {files} file changes "
            f"({renames} renames, {binaries} binary)")


def child_measure(repo: str, rev: str, workers: str) -> None:
    """Subprocess entry: collect ``rev`` and print seconds, commits and peak RSS as JSON."""
    elapsed, commits = time_collection(Path(repo), rev, int(workers))
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": elapsed, "commits": commits, "peak_rss_mib": own.ru_maxrss / 1024,
                      "child_peak_rss_mib": kids.ru_maxrss / 1024}))


def measure_in_child(repo: Path, rev: str, workers: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(repo), rev, str(workers)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(label: str, repo: Path, rev: str, repeat: int, workers: int) -> dict[str, float]:
    """Raw git log, plain git log, one-process and split collections, interleaved; medians, printed as ratios."""
    runs: dict[str, list[float]] = {"raw": [], "plain": [], "single": [], "split": [], "split_existing": []}
    commits = 0
    for index in range(repeat):      # interleaved, so all of them see the same machine load
        runs["raw"].append(time_raw_log(repo, rev))
        runs["plain"].append(time_plain_log(repo, rev))
        seconds, commits = time_collection(repo, rev, 1, show_shape=index == 0)
        runs["single"].append(seconds)
        runs["split"].append(time_collection(repo, rev, workers, show_shape=index == 0)[0])
        runs["split_existing"].append(time_collection(repo, rev, workers, existing=True)[0])
    out = {name: statistics.median(values) for name, values in runs.items()}
    raw, plain = out["raw"], out["plain"]
    print(f"== {label}: {commits} commits, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs (medians of {repeat})")
    print(f"raw git log (baseline):   {raw:7.2f} s  {commits / raw:8.0f} commits/s  (the collector's exact "
          "arguments and environment)")
    print(f"plain git log --numstat -M: {plain:5.2f} s  {commits / plain:8.0f} commits/s  (second baseline: "
          "default format, nothing tuned)")

    def row(name: str, seconds: float, target: str = "") -> None:
        print(f"{name:26s}{seconds:7.2f} s  {commits / seconds:8.0f} commits/s  RATIO {seconds / raw:.2f}x raw, "
              f"{seconds / plain:.2f}x plain{target}", flush=True)

    row("collection, 1 process:", out["single"])
    row(f"collection, {workers} workers:", out["split"], " (target <= 0.6x; a NEW warehouse: created and "
        "migrated in the run)")
    row(f"  same, existing warehouse:", out["split_existing"], " (an existing, migrated, empty warehouse)")
    return {**out, "commits": commits}


def real_bundle(workdir: Path) -> Path | None:
    """A clone of the larger real bundle (cached), or None without ../shared/data."""
    bundles = sorted(SHARED_REPOS.glob("*.bundle"), key=lambda b: b.stat().st_size) if SHARED_REPOS.is_dir() else []
    if not bundles:
        return None
    target = workdir / bundles[-1].stem
    if not (target / "HEAD").exists():
        subprocess.run(["git", "clone", "--quiet", "--bare", str(bundles[-1]), str(target)], check=True)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commits", type=int, default=12_000)
    parser.add_argument("--repeat", type=int, default=3, help="median of N for each timing")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--noop-repos", type=int, default=2_000)
    parser.add_argument("--many-repos", type=int, default=200, help="small repositories collected first with "
                        "workers=1 vs read ahead")
    parser.add_argument("--skip", default="", help="comma-separated: bundle, pydriller, rss, repos, noop")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "healthdash-bench-git")
    parser.add_argument("--child", nargs=3, metavar=("REPO", "REV", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_measure(*args.child)
        return
    skip = set(filter(None, args.skip.split(",")))
    args.workdir.mkdir(parents=True, exist_ok=True)
    repo = build_repo(args.workdir, args.commits)
    synthetic = compare(f"synthetic history ({repo.name})", repo, "main", args.repeat, args.workers)
    bundle = real_bundle(args.workdir) if "bundle" not in skip else None
    if bundle is not None:
        compare(f"real history ({bundle.name})", bundle, "HEAD", args.repeat, args.workers)
    if "pydriller" not in skip:
        driller = time_pydriller(repo)
        if driller is None:
            print("PyDriller:                not installed (pip install pydriller to compare; not a dependency)")
        else:
            print(f"PyDriller:                {driller[0]:7.2f} s  {driller[1] / driller[0]:8.0f} commits/s  "
                  f"RATIO split collection is {driller[0] / synthetic['split']:.1f}x faster (target >= 20x), "
                  f"one process {driller[0] / synthetic['single']:.1f}x, raw git {driller[0] / synthetic['raw']:.1f}x")
    if "rss" not in skip:
        for rev in ("half", "main"):
            row = measure_in_child(repo, rev, args.workers)
            print(f"peak RSS {rev:5s}: collector {row['peak_rss_mib']:7.1f} MiB, largest child "
                  f"{row['child_peak_rss_mib']:7.1f} MiB for {row['commits']} commits ({row['seconds']:.2f} s; "
                  "target <= 1024 MiB)", flush=True)
    if "repos" not in skip:
        bench_git_repos.run(args.workdir, args.many_repos, args.repeat, args.workers)
    if "noop" not in skip:
        bench_git_noop.run(args.workdir, args.noop_repos, args.repeat, repo)


if __name__ == "__main__":
    main()
