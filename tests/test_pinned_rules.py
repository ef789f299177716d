"""Rules no test pinned before (issue 12, item 7): each case here flips if its rule is removed.

* Review coverage: an approval by the change's OWNER covers nothing, even when
  the commit's author is someone else; an approval withdrawn later (Gerrit
  ``-Code-Review``, stored as a 0 vote) covers nothing.
* Bug backlog: a bug counts at a month end when it was created before the first
  instant of the next month and not resolved before it; moving the boundary by a
  day either way changes the counts below.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import polars as pl
import pytest

from conftest import build_warehouse
from healthdash.metrics import bugs, reviews
from healthdash.metrics.filters import Filters
from healthdash.warehouse import reader

UTC = timezone.utc
PEOPLE = ("ann", "ben", "cid", "dee", "eve")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# commit (sha digit, author, change key, change owner); votes (change, reviewer, time, value)
COMMITS = [("1", "ann", "K1", "ann"),   # ben +2                        -> covered
           ("2", "cid", "K2", "dee"),   # dee (the owner, not the author) +2 only -> NOT covered
           ("3", "eve", "K3", "eve"),   # ben +2 then -Code-Review       -> NOT covered
           ("4", "eve", "K4", "eve"),   # ben +2, removal, +2 again      -> covered
           ("5", "ben", "K5", "ann")]   # ben (the author) +2            -> NOT covered
VOTES = [("K1", "ben", "2024-03-02T10:00", 2), ("K2", "dee", "2024-03-02T10:00", 2),
         ("K3", "ben", "2024-03-02T10:00", 2), ("K3", "ben", "2024-03-02T11:00", 0),
         ("K4", "ben", "2024-03-02T10:00", 2), ("K4", "ben", "2024-03-02T11:00", 0),
         ("K4", "ben", "2024-03-02T12:00", 2), ("K5", "ben", "2024-03-02T10:00", 2)]


@pytest.fixture(scope="module")
def review_warehouse(tmp_path_factory):
    return build_warehouse(tmp_path_factory.mktemp("pinned") / "reviews.duckdb", {
        "identities": pl.DataFrame({"identity_id": [f"id-{p}" for p in PEOPLE], "source": ["gerrit"] * 5,
                                    "name": list(PEOPLE), "email": [f"{p}@example.org" for p in PEOPLE]}),
        "commits": pl.DataFrame({
            "repo": ["r"] * 5, "sha": [d * 40 for d, _, _, _ in COMMITS], "is_merge": [False] * 5,
            "author_identity": [f"id-{a}" for _, a, _, _ in COMMITS],
            "committer_identity": [f"id-{a}" for _, a, _, _ in COMMITS],
            "author_date": [at("2024-03-03T09:00")] * 5, "commit_date": [at("2024-03-03T09:00")] * 5,
            "change_id": [f"I{k}" for _, _, k, _ in COMMITS]}),
        "changes": pl.DataFrame({
            "source": ["gerrit"] * 5, "change_key": [k for _, _, k, _ in COMMITS], "repo": ["r"] * 5,
            "change_id": [f"I{k}" for _, _, k, _ in COMMITS], "status": ["MERGED"] * 5,
            "owner_identity": [f"id-{o}" for _, _, _, o in COMMITS],
            "created": [at("2024-03-01T09:00")] * 5, "submitted": [at("2024-03-03T09:00")] * 5}),
        "review_votes": pl.DataFrame({
            "source": ["gerrit"] * len(VOTES), "change_key": [k for k, _, _, _ in VOTES],
            "reviewer_identity": [f"id-{r}" for _, r, _, _ in VOTES], "patch_set": [1] * len(VOTES),
            "label": ["Code-Review"] * len(VOTES), "voted_at": [at(t) for _, _, t, _ in VOTES],
            "value": [v for _, _, _, v in VOTES], "is_ci": [False] * len(VOTES)}),
    })


def test_owner_approval_and_withdrawn_approval_do_not_cover(review_warehouse):
    with reader(review_warehouse) as con:
        overall = reviews.review_coverage_overall(con, Filters()).rows()
    # 5 commits; covered: 1 (ben approves ann's change) and 4 (ben's final word is +2) -> 2 / 5
    assert overall == [(5, 2, 0.4)]


# Backlog at month ends, as_of = end of 2024-02-29 (window end):
#   b1 created 2024-01-31 23:59:59            open          -> in January and February
#   b2 created 2024-02-01 00:00:00            open          -> February only (not January)
#   b3 created 2024-01-10, resolved 2024-02-01 00:00:00     -> open at the January end (resolved after it)
#   b4 created 2024-01-10, resolved 2024-01-31 23:00:00     -> open at neither month end
# January: b1, b3 = 2; February: b1, b2 = 2.  A boundary one day later adds b2 to January and
# counts b3 as resolved there; one day earlier drops b1 (the per-bug cases show each).
BUGS = [("b1", "2024-01-31T23:59:59", None), ("b2", "2024-02-01T00:00:00", None),
        ("b3", "2024-01-10T00:00:00", "2024-02-01T00:00:00"), ("b4", "2024-01-10T00:00:00", "2024-01-31T23:00:00")]


def _bug_warehouse(path, bug_rows):
    return build_warehouse(path, {"bugs": pl.DataFrame({
        "source": ["launchpad"] * len(bug_rows), "bug_key": [f"p/{k}" for k, _, _ in bug_rows],
        "bug_id": [k for k, _, _ in bug_rows], "project": ["p"] * len(bug_rows),
        "status": ["New" if closed is None else "Fix Released" for _, _, closed in bug_rows],
        "created": [at(c) for _, c, _ in bug_rows],
        "fix_released": [at(c) if c else None for _, _, c in bug_rows],
        "closed": [at(c) if c else None for _, _, c in bug_rows],
        "is_security": [False] * len(bug_rows), "is_private": [False] * len(bug_rows)})})


@pytest.mark.parametrize("bug, expected", [
    ("b1", [(date(2024, 1, 31), 1), (date(2024, 2, 29), 1)]),
    ("b2", [(date(2024, 1, 31), 0), (date(2024, 2, 29), 1)]),
    ("b3", [(date(2024, 1, 31), 1), (date(2024, 2, 29), 0)]),
    ("b4", [(date(2024, 1, 31), 0), (date(2024, 2, 29), 0)]),
])
def test_backlog_month_end_boundary_to_the_second(tmp_path, bug, expected):
    path = _bug_warehouse(tmp_path / f"{bug}.duckdb", [b for b in BUGS if b[0] == bug])
    with reader(path) as con:
        frame = bugs.backlog(con, Filters(start=date(2024, 1, 1), end=date(2024, 2, 29)))
    counts = [(row["month_end"], row["open_bugs"]) for row in frame.to_dicts()]
    assert [c for c in counts if c[0] in dict(expected)] == expected, counts


def test_backlog_all_boundary_bugs_together(tmp_path):
    path = _bug_warehouse(tmp_path / "all.duckdb", BUGS)
    with reader(path) as con:
        frame = bugs.backlog(con, Filters(start=date(2024, 1, 1), end=date(2024, 2, 29)))
    assert frame.rows() == [(date(2024, 1, 31), 2), (date(2024, 2, 29), 2)]
