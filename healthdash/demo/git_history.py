"""The demo's git part: real repositories written fast with ``git fast-import``.

Second step of ``healthdash demo`` (after :mod:`healthdash.demo.community`):
:func:`plan_commits` decides every commit (who, when, what kind) from the
community and the shared rhythm in :mod:`healthdash.demo.activity`;
:func:`write_repo` renders one repository's plan as a fast-import stream with
fixed author and committer dates, so the same seed always gives the same shas.
The histories carry what the git collector must handle: ``Change-Id:`` trailers
on most commits, ``Co-Authored-By:`` and ``Signed-off-by:`` trailers, merge
commits from topic branches, a binary file, renames, bot commits and a
``.mailmap``.  :func:`git_part` is the build part; it leaves the commit list in
``ctx.shared["commits"]`` so later parts (reviews, bugs) can match commits by
Change-Id or bug number.
"""

from __future__ import annotations

import hashlib
import random
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from healthdash.demo import content
from healthdash.demo.activity import Assigner, DaySampler, local_time
from healthdash.demo.community import END_DATE, START_DATE, Community, Person, Repo
from healthdash.demo.model import clamp

KIND_WEIGHTS = {"fix": 42, "feature": 16, "docs": 10, "test": 12, "tooling": 5, "cleanup": 15}
BOT_SHARE = 0.03
#: repositories with topic branches merged back (repo -> merges at scale 1)
MERGES = {"meshnet": 3, "common.messaging": 2, "nimbus": 1}
RENAMES = {"nimbus": ("nimbus/virt/libvirt_utils.py", "nimbus/virt/libvirt/utils.py"),
           "common.config": ("common_config/sources/env.py", "common_config/sources/environment.py")}
BINARY = {"glacier": "doc/source/images/architecture.png"}
MAILMAP_REPO = "nimbus"


@dataclass
class CommitRecord:
    """One demo commit, as later parts need it (sha filled in after the import)."""

    repo: str
    index: int
    author_id: str
    author_name: str
    author_email: str
    author_date: datetime
    committer_name: str
    committer_email: str
    commit_date: datetime
    subject: str
    kind: str
    change_id: str | None = None
    files: tuple[str, ...] = ()
    is_merge: bool = False
    co_authors: tuple[str, ...] = ()          # person ids
    signed_off: bool = False
    closes_bug: int | None = None
    branch: str = "master"
    sha: str | None = None
    message: str = field(default="", repr=False)


@dataclass
class PlannedCommit:
    """One commit decided but not yet written: its day, author and kind (fix, feature, docs ...)."""

    day: date
    person: Person
    kind: str


def commit_count(repo: Repo, scale: float) -> int:
    return max(25, round(repo.commits * scale))


def plan_commits(community: Community, scale: float, seed: int) -> dict[str, list[PlannedCommit]]:
    """Who commits what kind of change on which day, per repository (in date order)."""
    plans: dict[str, list[PlannedCommit]] = {}
    for team in community.teams.values():
        rng = random.Random(f"healthdash-demo:{seed}:plan:{team.name}")
        repos = [r for r in community.repos.values() if r.team == team.name]
        work: list[tuple[date, str]] = []
        for repo in repos:
            sampler = DaySampler.between(max(repo.created, START_DATE) + timedelta(days=1), END_DATE,
                                         community.cycles)
            humans = commit_count(repo, scale) - 1 - round(commit_count(repo, scale) * BOT_SHARE)
            work += [(day, repo.name) for day in sampler.draw(rng, humans)]
        work.sort()
        people = Assigner(community, rng).plan(team.name, [day for day, _ in work])
        _give_drive_bys_their_commits(rng, community, team.name, [day for day, _ in work], people)
        kinds = list(KIND_WEIGHTS)
        for (day, repo_name), person in zip(work, people):
            kind = rng.choices(kinds, weights=list(KIND_WEIGHTS.values()))[0]
            plans.setdefault(repo_name, []).append(PlannedCommit(day, person, kind))
    bot = community.person("proposal-bot")
    for repo in community.repos.values():
        rng = random.Random(f"healthdash-demo:{seed}:bot:{repo.name}")
        sampler = DaySampler.between(max(repo.created, START_DATE) + timedelta(days=1), END_DATE,
                                     community.cycles)
        plans[repo.name] += [PlannedCommit(d, bot, "bot")
                             for d in sampler.draw(rng, round(commit_count(repo, scale) * BOT_SHARE))]
        plans[repo.name].sort(key=lambda p: (p.day, p.person.person_id))
    return plans


def _give_drive_bys_their_commits(rng: random.Random, community: Community, team: str, days: list[date],
                                  people: list[Person]) -> None:
    """Each drive-by contributor takes over 1-3 commits of their own organisation in their window,
    so newcomers show up every month while each organisation's share stays exactly as planned."""
    for person in community.team_people(team):
        if person.role != "drive-by" or person.team != team:
            continue
        slots = [i for i, day in enumerate(days) if person.active_on(day) and people[i].role != "drive-by"
                 and people[i].org_at(day) == person.org_at(day)]
        for i in rng.sample(slots, k=min(len(slots), rng.randint(1, 3))):
            people[i] = person


def change_id(seed: int, repo: str, index: int) -> str:
    return "I" + hashlib.sha1(f"{seed}:{repo}:{index}".encode()).hexdigest()


# --------------------------------------------------------------------------- rendering


class _Stream:
    """A fast-import stream being built for one repository."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.mark = 0

    def data(self, payload: bytes) -> None:
        self.chunks.append(b"data %d\n" % len(payload) + payload + b"\n")

    def commit(self, record: CommitRecord, *, ref: str, parent: int | None, merge: int | None,
               changes: list[bytes]) -> int:
        self.mark += 1
        self.chunks.append(f"commit {ref}\nmark :{self.mark}\n".encode())
        self.chunks.append(_ident("author", record.author_name, record.author_email, record.author_date))
        self.chunks.append(_ident("committer", record.committer_name, record.committer_email,
                                  record.commit_date))
        self.data(record.message.encode("utf-8"))
        if parent is not None:
            self.chunks.append(f"from :{parent}\n".encode())
        if merge is not None:
            self.chunks.append(f"merge :{merge}\n".encode())
        self.chunks += changes
        self.chunks.append(b"\n")
        return self.mark


def _ident(role: str, name: str, email: str, when: datetime) -> bytes:
    offset = int(when.utcoffset().total_seconds() // 60)
    sign = "+" if offset >= 0 else "-"
    tz = f"{sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}"
    return f"{role} {name} <{email}> {int(when.timestamp())} {tz}\n".encode("utf-8")


def _modify(path: str, payload: bytes) -> bytes:
    return b"M 100644 inline " + path.encode() + b"\n" + b"data %d\n" % len(payload) + payload + b"\n"


def _text(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


class _RepoWriter:
    """Turns one repository's plan into commits, keeping each branch's tree in memory."""

    def __init__(self, community: Community, repo: Repo, plan: list[PlannedCommit], seed: int, scale: float):
        self.community, self.repo, self.plan, self.seed = community, repo, plan, seed
        self.rng = random.Random(f"healthdash-demo:{seed}:git:{repo.name}")
        self.stream = _Stream()
        self.records: list[CommitRecord] = []
        self.trees: dict[str, dict[str, list[str]]] = {}
        self.heads: dict[str, int] = {}
        self.last_commit_at: datetime | None = None
        merges = max(1, round(MERGES.get(repo.name, 0) * min(1.0, scale * 2))) if repo.name in MERGES else 0
        n = len(plan)
        self.merge_points = {int(n * (i + 1) / (merges + 1)) + 7 for i in range(merges)} if n > 20 else set()
        self.rename_at = n // 2 if repo.name in RENAMES else None
        self.binary_at = (n * 3 // 10, n * 7 // 10) if repo.name in BINARY else ()
        self.mailmap_at = n // 4 if repo.name == MAILMAP_REPO else None

    # -- the whole history
    def render(self) -> bytes:
        self._initial_commit()
        index = 0
        while index < len(self.plan):
            if index in self.merge_points and index + 3 < len(self.plan):
                self._topic_and_merge(self.plan[index:index + 3])
                index += 3
                continue
            self._regular(self.plan[index], index)
            index += 1
        return b"".join(self.stream.chunks)

    def _initial_commit(self) -> None:
        anchor = max((p for p in self.community.team_people(self.repo.team) if p.role == "anchor"),
                     key=lambda p: (p.weight, p.person_id))
        day = max(self.repo.created, START_DATE)
        tree = content.initial_tree(self.repo, self.rng)
        self.trees["master"] = tree
        record = self._record(anchor, day, "Initial import", "feature", author_email=anchor.primary_email,
                              body=["Import the code base into its own repository."], change=False)
        record.files = tuple(sorted(tree))
        self._emit(record, "master", [_modify(p, _text(tree[p])) for p in sorted(tree)])

    def _regular(self, planned: PlannedCommit, index: int, *, branch: str = "master",
                 avoid: frozenset[str] = frozenset()) -> CommitRecord:
        tree = self.trees[branch]
        changes: list[bytes] = []
        if index == self.rename_at and branch == "master":
            old, new = RENAMES[self.repo.name]
            tree[new] = tree.pop(old)
            changes.append(f'R "{old}" "{new}"\n'.encode())
            record = self._record(planned.person, planned.day, f"Move {old.rsplit('/', 1)[-1]} into a package",
                                  "cleanup", files=(new,))
        elif index == self.mailmap_at and branch == "master":
            record, changes = self._mailmap_commit(planned)
        elif index in self.binary_at and branch == "master":
            path = BINARY[self.repo.name]
            payload = b"\x89PNG\r\n\x1a\n" + self.rng.randbytes(3000 + index)
            changes.append(_modify(path, payload))
            record = self._record(planned.person, planned.day, "Update the architecture diagram", "docs",
                                  files=(path,))
        else:
            paths = self._paths_for(planned.kind, tree, avoid)
            for path in paths:
                tree[path] = (content.edit(tree[path], path, self.rng) if path in tree
                              else self._new_file(path, planned))
                changes.append(_modify(path, _text(tree[path])))
            module = next((p.rsplit("/", 1)[-1][:-3] for p in paths if p.endswith(".py")), self.repo.package)
            subject = ("Updated from global requirements" if planned.kind == "bot" and "requirements" in paths[0]
                       else "Imported Translations from Zanata" if planned.kind == "bot"
                       else content.subject(planned.kind, self.rng, module))
            record = self._record(planned.person, planned.day, subject, planned.kind, files=tuple(paths))
        record.branch = branch
        self._emit(record, branch, changes)
        return record

    def _new_file(self, path: str, planned: PlannedCommit) -> list[str]:
        if path.startswith("releasenotes/"):
            return content.release_note(self.rng, planned.kind)
        return content.python_header() + content.block_for(path, self.rng)

    def _paths_for(self, kind: str, tree: dict[str, list[str]], avoid: frozenset[str]) -> list[str]:
        rng, package = self.rng, self.repo.package
        code = [p for p in tree if p.endswith(".py") and "/tests/" not in p and p not in avoid
                and not p.endswith("__init__.py") and not content.is_copied(p)]
        if kind == "bot":
            po = [p for p in tree if p.endswith(".po")]
            return [po[0] if po and rng.random() < 0.5 else "requirements.txt"]
        if kind == "docs":
            return rng.sample([p for p in tree if p.endswith(".rst") and p not in avoid], k=rng.choice([1, 1, 2]))
        if kind == "tooling":
            return [rng.choice(["tox.ini", ".zuul.yaml", "setup.cfg", "test-requirements.txt"])]
        chosen = rng.sample(code, k=min(len(code), rng.choice([1, 1, 1, 2, 2, 3])))
        paths = [] if kind == "test" else list(chosen)
        for path in chosen:
            test = content.test_path(path, package)
            if test and (kind in ("fix", "test", "feature") or rng.random() < 0.3) and test not in avoid:
                paths.append(test)
        if kind == "feature" and rng.random() < 0.3 and f"{package}/exceptions.py" not in avoid:
            new_module = f"{package}/{rng.choice(content.NOUNS)}_{rng.choice(content.VERBS)}.py"
            if new_module not in tree:
                paths.append(new_module)
        if kind in ("feature", "fix") and rng.random() < 0.35:
            paths.append(f"releasenotes/notes/{kind}-{rng.getrandbits(64):016x}.yaml")
        return paths or chosen[:1] or ["README.rst"]

    def _mailmap_commit(self, planned: PlannedCommit) -> tuple[CommitRecord, list[bytes]]:
        lines = []
        for person in self.community.team_people(self.repo.team):
            old = [e for e in person.emails if e.valid_to is not None and e.kind in ("misconfigured", "work")]
            for email in old:
                current = person.emails[-1].address
                lines.append(f"{person.name} <{current}> <{email.address}>")
        self.trees["master"][".mailmap"] = lines
        record = self._record(planned.person, planned.day, "Add .mailmap for contributors who changed address",
                              "tooling", files=(".mailmap",))
        return record, [_modify(".mailmap", _text(lines))]

    def _topic_and_merge(self, planned: list[PlannedCommit]) -> None:
        """Two commits on a topic branch, one on master elsewhere, then a merge commit."""
        topic = f"feature/{self.rng.choice(content.NOUNS)}-{self.rng.choice(content.VERBS)}"
        fork = self.heads["master"]
        self.trees[topic] = dict(self.trees["master"])
        self.heads[topic] = fork
        touched: set[str] = set()
        for item in planned[:2]:
            touched |= set(self._regular(item, -1, branch=topic).files)
        self._regular(planned[2], -1, avoid=frozenset(touched))
        merger = planned[2].person
        merge_day = planned[2].day
        record = self._record(merger, merge_day, f"Merge remote-tracking branch 'origin/{topic}'", "merge",
                              change=False, body=[f"Merge the {topic} work into master."])
        record.is_merge = True
        record.files = tuple(sorted(touched))
        changes = []
        for path in sorted(touched):
            self.trees["master"][path] = self.trees[topic][path]
            changes.append(_modify(path, _text(self.trees[topic][path])))
        self._emit(record, "master", changes, merge=self.heads[topic])
        del self.trees[topic]

    # -- records
    def _record(self, person: Person, day: date, subject: str, kind: str, *, files: tuple[str, ...] = (),
                body: list[str] | None = None, change: bool = True, author_email: str | None = None) -> CommitRecord:
        rng = self.rng
        authored = clamp(local_time(rng, day, person))
        committed = authored + timedelta(minutes=int(rng.expovariate(1 / 1800)) + 5)
        if self.last_commit_at and committed <= self.last_commit_at:
            committed = (self.last_commit_at + timedelta(minutes=rng.randint(1, 30))).astimezone(committed.tzinfo)
        committed = clamp(committed)          # a commit drawn on the last evening lands by the end
        self.last_commit_at = committed
        email = author_email or person.email_at(day, rng)
        index = len(self.records)
        record = CommitRecord(self.repo.name, index, person.person_id, person.name, email, authored,
                              person.name, email, committed, subject, kind, files=files)
        trailers: list[str] = []
        if kind in ("fix",) and rng.random() < 0.3:
            record.closes_bug = 2_000_000 + rng.randrange(100_000)
            trailers.append(f"Closes-Bug: #{record.closes_bug}")
        if kind not in ("bot", "merge") and rng.random() < 0.04:
            coauthor = self._coauthor(person, day)
            if coauthor:
                record.co_authors = (coauthor.person_id,)
                trailers.append(f"Co-Authored-By: {coauthor.name} <{coauthor.email_at(day, rng)}>")
        if kind != "merge" and (self.repo.signoff_required or rng.random() < 0.06) and not person.is_bot:
            record.signed_off = True
            trailers.append(f"Signed-off-by: {person.name} <{email}>")
        if change and rng.random() < (1.0 if person.is_bot else 0.95):
            record.change_id = change_id(self.seed, self.repo.name, index)
            trailers.append(f"Change-Id: {record.change_id}")
        paragraphs = [subject, " ".join(body if body is not None else content.body(rng, subject))]
        record.message = "\n\n".join(paragraphs + (["\n".join(trailers)] if trailers else [])) + "\n"
        self.records.append(record)
        return record

    def _coauthor(self, person: Person, day: date) -> Person | None:
        others = [p for p in self.community.team_people(self.repo.team)
                  if p.person_id != person.person_id and p.active_on(day)]
        return self.rng.choice(others) if others else None

    def _emit(self, record: CommitRecord, branch: str, changes: list[bytes], merge: int | None = None) -> None:
        ref = f"refs/heads/{branch}"
        parent = self.heads.get(branch)
        mark = self.stream.commit(record, ref=ref, parent=parent, merge=merge, changes=changes)
        self.heads[branch] = mark
        record.sha = str(mark)      # replaced by the real sha after the import


def write_repo(directory: Path, stream: bytes, records: list[CommitRecord]) -> None:
    """Create ``directory`` as a git repository holding ``stream``; fill in each record's sha."""
    directory.mkdir(parents=True, exist_ok=True)
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}
    run = lambda *args, **kw: subprocess.run(["git", "-C", str(directory), *args], check=True,  # noqa: E731
                                             capture_output=True, env=env, **kw)
    run("init", "-q", "-b", "master")
    marks = directory / ".git" / "demo-marks"
    run("fast-import", "--quiet", f"--export-marks={marks}", input=stream)
    shas = dict(line.split() for line in marks.read_text().splitlines())
    marks.unlink()
    for record in records:
        record.sha = shas[f":{record.sha}"]
    run("reset", "-q", "--hard", "master")


def generate_histories(community: Community, root: Path, *, seed: int, scale: float) -> list[CommitRecord]:
    """Write every repository under ``root/<repo>``; return all commits (repo order, then history order)."""
    plans = plan_commits(community, scale, seed)
    records: list[CommitRecord] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = []
        for name, repo in community.repos.items():
            writer = _RepoWriter(community, repo, plans[name], seed, scale)
            jobs.append(pool.submit(write_repo, root / name, writer.render(), writer.records))
            records += writer.records
        for job in jobs:
            job.result()
    return records


def git_part(ctx) -> None:
    """Build part: real git repositories under ``<demo_dir>/git/<repo>``, listed in the config."""
    root = ctx.path("git")
    ctx.shared["commits"] = generate_histories(ctx.community, root, seed=ctx.seed, scale=ctx.scale)
    ctx.shared["repo_paths"] = {name: root / name for name in ctx.community.repos}
    for name in ctx.community.repos:
        ctx.config["repos"].setdefault(name, {})["path"] = f"git/{name}"
