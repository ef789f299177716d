"""Shared fixtures: small real DuckDB warehouses built through the warehouse loaders.

``participation_warehouse`` is the hand-countable community the participation
and dashboard tests check their numbers against (see PARTICIPATION_FIXTURE).
Other test modules may append fixtures here; keep each one small and generic.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl
import pytest

from healthdash.warehouse import load, writer

SHARED_DATA = Path(os.environ.get("HEALTHDASH_SHARED_DATA") or Path(__file__).resolve().parents[1] / "../shared/data")
#: The skip reason of every test that needs the real community data in ../shared/data.  Outside CI
#: such tests skip; ``.ci/run`` sets HEALTHDASH_REQUIRE_SHARED=1 and then a skip with a reason
#: naming ``shared/data`` is a failure (pytest_runtest_makereport below), so CI cannot pass them silently.
SHARED_SKIP = "../shared/data not present"
needs_shared = pytest.mark.skipif(not (SHARED_DATA / "openstack").is_dir(), reason=SHARED_SKIP)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("HEALTHDASH_REQUIRE_SHARED") == "1":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if "shared/data" in reason:
            report.outcome = "failed"
            report.longrepr = (f"{item.nodeid} needs the real community data ({reason}) and "
                               "HEALTHDASH_REQUIRE_SHARED=1 says it must run here (CI)")


@pytest.fixture(scope="session")
def openstack_clones(tmp_path_factory) -> dict[str, Path]:
    """Normal clones of the real bundles in ../shared/data/openstack/repos (name -> path)."""
    root = tmp_path_factory.mktemp("openstack-git")
    clones = {}
    for bundle in sorted((SHARED_DATA / "openstack" / "repos").glob("*.bundle")):
        target = root / "openstack" / bundle.stem
        subprocess.run(["git", "clone", "--quiet", str(bundle), str(target)], check=True, capture_output=True)
        clones[bundle.stem] = target
    return clones


def init_openstack_settings(config: Path, clones: dict[str, Path]) -> Path:
    """``healthdash init`` over the real governance, series and Stackalytics files for the local ``clones``."""
    openstack = SHARED_DATA / "openstack"
    template = str(next(iter(clones.values())).parent) + "/{name}"
    init = subprocess.run([sys.executable, "-m", "healthdash.cli", "init", str(openstack / "projects.yaml"),
                           "--series", str(openstack / "series_status.yaml"),
                           "--affiliations", str(openstack / "stackalytics-default_data.json"),
                           "--repos", template, "--only-existing", "-o", str(config)],
                          capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    return config


def build_warehouse(path: Path, tables: dict[str, pl.DataFrame]) -> Path:
    """A migrated warehouse at ``path`` holding ``tables`` (upserted in order)."""
    with writer(path) as con:
        for table, frame in tables.items():
            load.upsert(con, table, frame)
    return path


def _ts(day: str) -> datetime:
    return datetime.fromisoformat(day + "T12:00:00").replace(tzinfo=timezone.utc)


# People: alice@acme (Acme), bob@globex (Globex), carol@gmail (no domain -> Independent),
# dave@initech (Initech), erin@example.org (affiliation: Acme before 2024-03-01, Globex after),
# zuul (a bot by pattern).  Commits (repo, author, day), merges excluded by the view:
_COMMITS = [
    ("nova", "alice", "2024-01-10"), ("nova", "alice", "2024-01-20"), ("nova", "bob", "2024-01-15"),
    ("nova", "carol", "2024-02-05"), ("nova", "erin", "2024-02-10"), ("nova", "erin", "2024-03-10"),
    ("nova", "zuul", "2024-03-11"), ("python-novaclient", "bob", "2024-03-20"),
    ("python-novaclient", "dave", "2024-03-25"), ("swift", "dave", "2024-01-05"),
    ("swift", "dave", "2024-02-05"), ("swift", "alice", "2024-03-05"),
]
_EMAILS = {"alice": "alice@acme.com", "bob": "bob@globex.com", "carol": "carol@gmail.com",
           "dave": "dave@initech.com", "erin": "erin@example.org", "zuul": "zuul@openstack.org"}

PARTICIPATION_FIXTURE = {
    "teams": pl.DataFrame({"name": ["compute", "storage"], "description": ["Compute", "Storage"]}),
    "projects": pl.DataFrame({"name": ["nova", "swift"], "team": ["compute", "storage"]}),
    "repos": pl.DataFrame({"name": ["nova", "python-novaclient", "swift"],
                           "project": ["nova", "nova", "swift"]}),
    "release_cycles": pl.DataFrame({"name": ["2024.1"], "start_at": [date(2024, 1, 1)],
                                    "end_at": [date(2024, 1, 31)]}),
    "bot_patterns": pl.DataFrame({"pattern": ["zuul*"]}),
    "public_mail_domains": pl.DataFrame({"domain": ["gmail.com"]}),   # carol: Independent, not "unmapped"
    "org_domains": pl.DataFrame({"domain": ["acme.com", "globex.com", "initech.com"],
                                 "org": ["Acme", "Globex", "Initech"],
                                 "valid_from": [date(1970, 1, 1)] * 3}),
    "affiliations": pl.DataFrame({
        "person_id": ["email:erin@example.org", "email:erin@example.org"], "org": ["Acme", "Globex"],
        "valid_from": [date(1970, 1, 1), date(2024, 3, 1)], "valid_to": [date(2024, 3, 1), None]}),
    "identities": pl.DataFrame({
        "identity_id": [f"git:{p}" for p in _EMAILS] + ["gerrit:alice", "gerrit:bob"],
        "source": ["git"] * len(_EMAILS) + ["gerrit", "gerrit"],
        "name": [p.capitalize() for p in _EMAILS] + ["Alice", "Bob"],
        "email": list(_EMAILS.values()) + [_EMAILS["alice"], _EMAILS["bob"]]}),
    "commits": pl.DataFrame({
        "repo": [r for r, _, _ in _COMMITS] + ["nova"],
        "sha": [f"{i:040x}" for i in range(len(_COMMITS) + 1)],
        "is_merge": [False] * len(_COMMITS) + [True],
        "author_identity": [f"git:{a}" for _, a, _ in _COMMITS] + ["git:alice"],
        "author_date": [_ts(d) for _, _, d in _COMMITS] + [_ts("2024-03-12")],
        "committer_identity": [f"git:{a}" for _, a, _ in _COMMITS] + ["git:alice"],
        "commit_date": [_ts(d) for _, _, d in _COMMITS] + [_ts("2024-03-12")]}),
    # One merged Gerrit change by alice (Acme) with a +2 from bob (Globex).
    "changes": pl.DataFrame({"source": ["gerrit"], "change_key": ["c1"], "repo": ["nova"],
                             "owner_identity": ["gerrit:alice"], "status": ["MERGED"],
                             "created": [_ts("2024-03-13")], "submitted": [_ts("2024-03-15")]}),
    "review_votes": pl.DataFrame({"source": ["gerrit"], "change_key": ["c1"],
                                  "reviewer_identity": ["gerrit:bob"], "patch_set": [1],
                                  "label": ["Code-Review"], "voted_at": [_ts("2024-03-14")], "value": [2]}),
}


@pytest.fixture(scope="session")
def participation_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wh") / "participation.duckdb"
    return build_warehouse(path, PARTICIPATION_FIXTURE)


@pytest.fixture(scope="session")
def empty_warehouse(tmp_path_factory) -> Path:
    """A migrated warehouse with no rows at all."""
    return build_warehouse(tmp_path_factory.mktemp("wh-empty") / "empty.duckdb", {})
