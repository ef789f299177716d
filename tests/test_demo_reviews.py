"""The demo's review part: Gerrit changes matching the git commits, a GitHub repository, real collection."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

from healthdash.demo import build, generate
from healthdash.demo.git_history import git_part
from healthdash.demo.reviews import GITHUB_REPO, gerrit_changes, reviews_part
from healthdash.metrics import reviews
from healthdash.metrics.filters import Filters
from healthdash.settings import load_settings
from healthdash.warehouse.store import reader


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-reviews")
    shared = {}

    def keep(ctx):
        shared.update(ctx.shared)

    config = build(root / "demo", scale=0.2, parts=[git_part, reviews_part, keep])
    return load_settings(config), shared


def test_sources_collected_over_http(demo):
    settings, _ = demo
    kinds = {s["kind"]: s for s in settings.sources}
    assert kinds["github"]["repos"] == [GITHUB_REPO] and kinds["gerrit"]["ci_accounts"] == ["zuul"]
    with reader(settings.warehouse) as con:
        sources = con.execute("SELECT kind, rows_loaded, last_error FROM sources "
                              "WHERE kind IN ('gerrit', 'github') ORDER BY kind").fetchall()
        statuses = dict(con.execute("SELECT source || ' ' || status, count(*) FROM changes GROUP BY 1").fetchall())
    assert [(k, e) for k, _, e in sources] == [("gerrit", None), ("github", None)]
    assert all(rows > 0 for _, rows, _ in sources)
    assert {"gerrit MERGED", "gerrit NEW", "gerrit ABANDONED", "github MERGED"} <= set(statuses)


def test_merged_changes_match_commits_by_change_id(demo):
    settings, shared = demo
    commits = {(c.repo, c.change_id) for c in shared["commits"] if c.change_id and not c.is_merge}
    merged = [c for c in shared["review_changes"] if c["status"] == "MERGED"]
    assert merged and {(c["project"], c["change_id"]) for c in merged} == commits
    with reader(settings.warehouse) as con:
        coverage = reviews.review_coverage(con, Filters())
        by_org = reviews.reviews_by_org(con, Filters())
        ci_reviews = con.execute("SELECT count(*) FROM review_events e JOIN identities i USING (identity_id) "
                                 "WHERE i.username = 'zuul'").fetchone()[0]
    share = coverage["reviewed"].sum() / coverage["commits"].sum()
    assert 0.6 < share < 1.0          # most changes approved by another core; a few self-approved
    assert by_org.height >= 3 and ci_reviews == 0      # Zuul's Verified votes are CI, never reviews


def test_changes_are_deterministic():
    community = generate(2026)

    class Commit:
        def __init__(self, i):
            person = [p for p in community.people if p.role == "core"][i % 5]
            self.repo, self.change_id, self.is_merge = "nimbus", f"I{i:040d}", False
            self.author_id, self.author_email, self.subject = person.person_id, person.primary_email, f"c{i}"
            self.author_date = datetime(2025, 1, 1 + i, 9, tzinfo=timezone.utc)
            self.commit_date = datetime(2025, 1, 2 + i, 9, tzinfo=timezone.utc)

    commits = [Commit(i) for i in range(5)]
    first = gerrit_changes(community, commits, random.Random(7))
    second = gerrit_changes(community, commits, random.Random(7))
    assert first == second and sum(c["status"] == "MERGED" for c in first) == 5
