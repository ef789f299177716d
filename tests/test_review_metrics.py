"""Review metrics against numbers computed by hand from the Gerrit fixture.

The warehouse is filled by the real Gerrit collector over a local HTTP server
(tests/data/gerrit: changes 910001 and 910002 merged, 910003 in its merged
state from changes_updated.json, 910004 abandoned) plus a few commits.
People: Ada (owner, Vendor A), Bo (core, Vendor B), Cy (mail.example ->
Independent), Zuul (CI).  Code-Review votes, non-CI:
  910001 (Ada's): Cy +1 03-02, Bo +2 03-04
  910002 (Bo's):  Bo +2 03-06 (self-vote), Ada +1 03-06
  910003 (Cy's):  Bo -1 03-13, Bo +2 03-20
"""

from __future__ import annotations

import json
import shutil
import re
from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl
import pytest
from werkzeug import Response

from collectors.base import SourceSpec, identity_id
from healthdash.collect import collect
from healthdash.demo.review_api import gerrit_handler
from healthdash.metrics import reviews
from healthdash.metrics.filters import Filters
from healthdash.settings import Repo, Settings
from healthdash.warehouse import load
from healthdash.warehouse.store import reader, writer

DATA = Path(__file__).parent / "data" / "gerrit"
REPO = "openstack/example"
UTC = timezone.utc


def _changes() -> list[dict]:
    changes = json.loads((DATA / "changes.json").read_text())
    updated = json.loads((DATA / "changes_updated.json").read_text())[0]
    return [c for c in changes if c["_number"] != 910003] + [updated]


def _commit(sha: str, email: str, name: str, day: str, change_id: str | None, merge: bool = False) -> dict:
    when = datetime.fromisoformat(day).replace(tzinfo=UTC)
    ident = identity_id("git", email=email, name=name)
    return {"repo": REPO, "sha": sha * 40, "parents": [], "is_merge": merge, "author_identity": ident,
            "author_name": name, "author_email": email, "author_date": when, "committer_identity": ident,
            "committer_name": name, "committer_email": email, "commit_date": when, "subject": "s",
            "change_id": change_id}


COMMITS = [
    _commit("1", "ada@vendor-a.example", "Ada Owner", "2024-03-04T16:40:00", "I" + "1" * 40),  # Bo +2: covered
    _commit("2", "bo@vendor-b.example", "Bo Core", "2024-03-07T10:01:00", "I" + "2" * 40),     # self +2 only
    _commit("4", "cy@mail.example", "Cy Helper", "2024-03-20T12:01:00", "I" + "3" * 40),       # Bo +2: covered
    _commit("5", "bo@vendor-b.example", "Bo Core", "2024-03-20T13:00:00", None, merge=True),   # merge: ignored
    _commit("6", "bo@vendor-b.example", "Bo Core", "2024-03-21T09:00:00", None),               # direct push
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, make_httpserver):
    httpserver = make_httpserver  # the session's server: drop routes earlier tests left, and ours afterwards
    httpserver.clear()
    tmp = tmp_path_factory.mktemp("reviews")
    handler = gerrit_handler(_changes())

    def respond(request):
        status, headers, body = handler(request.path, {k: request.args.getlist(k) for k in request.args}, {})
        return Response(body, status=status, headers=dict(headers))

    httpserver.expect_request(re.compile("^/gerrit/")).respond_with_handler(respond)
    settings = Settings(
        path=None, warehouse=tmp / "wh.duckdb", teams={"Example": "Example team"},
        projects={"example": "Example"}, repos={REPO: Repo(name=REPO, project="example", team="Example")},
        bot_patterns=["zuul*"], domains={"vendor-a.example": "Vendor A", "vendor-b.example": "Vendor B"},
        raw={"public_mail_domains": ["mail.example"]})   # Cy writes from a public mail provider
    spec = SourceSpec("gerrit", "gerrit:review", httpserver.url_for("/gerrit"), {"projects": [REPO]})
    assert collect(settings, [spec])[0].error is None
    with writer(settings.warehouse) as con:
        frame = pl.DataFrame(COMMITS)
        load.upsert(con, "commits", frame.with_columns(pl.col("parents").cast(pl.List(pl.String))))
        load.upsert(con, "identities", pl.DataFrame([
            {"identity_id": c["author_identity"], "source": "git", "name": c["author_name"],
             "email": c["author_email"]} for c in COMMITS]))
    yield settings.warehouse
    httpserver.clear()


def metric(warehouse, func, filters=None, **kwargs) -> pl.DataFrame:
    with reader(warehouse) as con:
        return func(con, filters or Filters(), **kwargs)


def test_reviews_by_org(warehouse):
    df = metric(warehouse, reviews.reviews_by_org)
    # Bo: Cy's change -1 and +2, Ada's change +2 -> 3 reviews, 2 core; Ada 1 (+1 on Bo's); Cy 1 (+1 on Ada's)
    # total 5 -> shares 3/5, 1/5, 1/5; Bo's self +2 on his own change is not a review
    assert df.rows() == [("Vendor B", 3, 2, 1, 0.6), ("Independent", 1, 0, 1, 0.2), ("Vendor A", 1, 0, 1, 0.2)]


def test_reviews_by_org_date_window(warehouse):
    df = metric(warehouse, reviews.reviews_by_org, Filters(end=date(2024, 3, 5)))
    # up to 03-05: Cy +1 (03-02) and Bo +2 (03-04) only
    assert df.select("org", "reviews", "core_approvals").rows() == [("Independent", 1, 0), ("Vendor B", 1, 1)]


def test_reviews_by_person_separates_self_votes(warehouse):
    df = metric(warehouse, reviews.reviews_by_person)
    got = {r["name"]: (r["reviews"], r["core_approvals"], r["self_votes"]) for r in df.iter_rows(named=True)}
    assert got == {"Bo Core": (3, 2, 1), "Ada Owner": (1, 0, 0), "Cy Helper": (1, 0, 0)}


def test_top_reviewers_hide_person_ids(warehouse):
    df = metric(warehouse, reviews.top_reviewers, limit=2)
    assert df.columns == ["name", "org", "reviews", "core_approvals", "self_votes"]
    assert df.rows() == [("Bo Core", "Vendor B", 3, 2, 1), ("Ada Owner", "Vendor A", 1, 0, 0)]


def test_review_activity_and_reviewer_load(warehouse):
    df = metric(warehouse, reviews.review_activity)
    # March 2024: 5 reviews, 2 core approvals (both Bo), 3 reviewers, 1 active core -> 5 reviews per core
    assert df.rows() == [(date(2024, 3, 1), 5, 2, 3, 1, 5.0)]


def test_time_to_first_review(warehouse):
    row = metric(warehouse, reviews.time_to_first_review).row(0, named=True)
    # 910001: 03-01 09:15:02 -> Cy 03-02 08:30:00 = 23.249444 h
    # 910002: 03-05 10:00 -> Ada 03-06 10:00 = 24 h (Zuul is CI; Bo's recheck and self-vote are the owner's)
    # 910003: 03-10 08:00 -> Bo 03-13 08:00 = 72 h;  910004: 03-15 10:00 -> Cy's comment 03-16 10:00 = 24 h
    # sorted 23.25, 24, 24, 72: median (24+24)/2 = 24; p90 at 0.9*3 = 2.7 -> 24 + 0.7*(72-24) = 57.6
    assert (row["month"], row["changes"], row["reviewed"]) == (date(2024, 3, 1), 4, 4)
    assert row["median_hours"] == pytest.approx(24.0) and row["p90_hours"] == pytest.approx(57.6)
    # one month only, so the whole-window row has the same exact figures
    overall = metric(warehouse, reviews.time_to_first_review_overall).row(0, named=True)
    assert (overall["changes"], overall["reviewed"]) == (4, 4)
    assert overall["median_hours"] == pytest.approx(24.0) and overall["p90_hours"] == pytest.approx(57.6)
    # window to 03-12: 910001..910003 -> 23.25, 24, 72 h: median 24; p90 at 0.9*2 = 1.8 -> 24 + 0.8*48 = 62.4
    early = metric(warehouse, reviews.time_to_first_review_overall, Filters(end=date(2024, 3, 12))).row(0, named=True)
    assert (early["changes"], early["reviewed"]) == (3, 3)
    assert early["median_hours"] == pytest.approx(24.0) and early["p90_hours"] == pytest.approx(62.4)


def test_time_to_merge(warehouse):
    row = metric(warehouse, reviews.time_to_merge).row(0, named=True)
    # 910001: 03-01 09:15:02 -> 03-04 16:39:58 = 79.415556 h; 910002: 03-05 10:00 -> 03-07 10:00:20 = 48.005556 h
    # 910003: 03-10 08:00 -> 03-20 12:00:20 = 244.005556 h; median 79.415556;
    # p90 at 0.9*2 = 1.8 -> 79.415556 + 0.8*(244.005556-79.415556) = 211.087556
    assert row["merged"] == 3
    assert row["median_hours"] == pytest.approx(79.415556) and row["p90_hours"] == pytest.approx(211.087556)


def test_review_latency_combines_both(warehouse):
    df = metric(warehouse, reviews.review_latency)
    assert df.select("measure", "changes").rows() == [("first review", 4), ("merge", 3)]


def test_patch_sets_per_merged_change(warehouse):
    row = metric(warehouse, reviews.patch_sets).row(0, named=True)
    # merged: 910001 2 patch sets, 910002 1, 910003 4 -> mean 7/3, median 2, max 4
    assert (row["merged"], row["median_patch_sets"], row["max_patch_sets"]) == (3, 2.0, 4)
    assert row["mean_patch_sets"] == pytest.approx(7 / 3)


def test_open_change_age(warehouse):
    as_of = datetime(2024, 3, 16, 12, tzinfo=UTC)
    df = metric(warehouse, reviews.open_change_age, as_of=as_of)
    # open at 03-16 12:00: 910003 (created 03-10 08:00, merged 03-20) = 6.166667 days,
    # 910004 (created 03-15 10:00, abandoned 03-17) = 1.083333 days; median (6.166667+1.083333)/2 = 3.625
    assert df["bucket"].to_list() == ["under 1 week", "1-4 weeks", "1-3 months", "3-12 months", "over 1 year"]
    assert df["changes"].to_list() == [2, 0, 0, 0, 0] and df["share"].to_list() == [1.0, 0, 0, 0, 0]
    assert df["median_age_days"][0] == pytest.approx(3.625)


def test_open_change_age_uses_window_end_and_is_empty_when_none_open(warehouse):
    df = metric(warehouse, reviews.open_change_age, Filters(end=date(2024, 2, 1)))
    assert df.is_empty()


def test_ci_health(warehouse):
    row = metric(warehouse, reviews.ci_health).row(0, named=True)
    # CI Verified votes by patch set: 910001 ps2 ok; 910002 ps1 failed (-1 then recheck);
    # 910003 ps1 failed, ps2 failed, ps3 ok, ps4 ok; 910004 ps1 ok -> 7 tested, 3 failed = 3/7
    # rechecks on changes merged in March: 910002 one, 910003 one; 3 merged -> 2/3
    assert (row["patch_sets_tested"], row["patch_sets_failed"]) == (7, 3)
    assert row["failure_share"] == pytest.approx(3 / 7)
    assert (row["merged_changes"], row["rechecks"]) == (3, 2)
    assert row["rechecks_per_merged"] == pytest.approx(2 / 3)


def test_review_coverage(warehouse):
    df = metric(warehouse, reviews.review_coverage)
    # non-merge commits: 1 (change approved by Bo, author Ada), 2 (Bo's change, only his own +2),
    # 4 (Cy's change approved by Bo), 6 (direct push) -> 2 of 4 reviewed by someone else
    assert df.rows() == [(date(2024, 3, 1), 4, 2, 0.5)]
    assert metric(warehouse, reviews.review_coverage_overall).rows() == [(4, 2, 0.5)]


def test_repo_filter_scopes_change_metrics(warehouse):
    other = Filters(repo=("openstack/other",))
    assert metric(warehouse, reviews.time_to_merge, other).is_empty()
    assert metric(warehouse, reviews.review_coverage, other).is_empty()
    assert metric(warehouse, reviews.reviews_by_org, other).is_empty()


def test_review_charts_plot_exactly_their_frames(warehouse):
    from healthdash.dashboard.charts import CHARTS, load_all

    load_all()
    names = ["reviews-by-org", "review-activity", "review-latency", "open-change-age", "ci-health", "patch-sets",
             "review-coverage"]
    pages = {CHARTS[n].page for n in names} | {CHARTS["top-reviewers"].page}
    assert pages == {"participation", "quality", "security"}
    with reader(warehouse) as con:
        frames = {n: CHARTS[n].metric(con, Filters()) for n in names}
    latency = CHARTS["review-latency"].figure(frames["review-latency"], Filters())
    medians = {t.name: list(t.y) for t in latency.data}
    assert medians["first review, median"] == [pytest.approx(24.0)]
    assert medians["merge, p90"] == [pytest.approx(211.087556)]
    coverage = CHARTS["review-coverage"].figure(frames["review-coverage"], Filters())
    assert list(coverage.data[0].y) == [0.5]
    ci = CHARTS["ci-health"].figure(frames["ci-health"], Filters())
    assert list(ci.data[0].y) == [pytest.approx(3 / 7)] and list(ci.data[1].y) == [pytest.approx(2 / 3)]
    activity = CHARTS["review-activity"].figure(frames["review-activity"], Filters())
    assert [list(t.y) for t in activity.data] == [[5], [2], [5.0]]
    by_org = CHARTS["reviews-by-org"].figure(frames["reviews-by-org"], Filters())
    assert list(by_org.data[0].x) == [3, 1, 1]
    for name in names:
        empty = CHARTS[name].figure(frames[name].clear(), Filters())
        assert empty.layout.meta == {"empty": True}, name



# --------------------------------------------------------------------------- the organisation filter
# Change owners at creation: 910001 Ada (Vendor A), 910002 Bo (Vendor B), 910003 Cy (Independent),
# 910004 Ada (Vendor A).  Commit authors at commit date: 1 Ada (Vendor A), 2 and 6 Bo (Vendor B),
# 4 Cy (Independent); 5 is a merge.
VENDOR_A = Filters(org=("Vendor A",))


def test_change_owner_orgs_come_from_the_attribution_view_and_count_nowhere(warehouse):
    with reader(warehouse) as con:
        owners = con.execute("SELECT change_key, person_id, org FROM change_owner_orgs ORDER BY change_key").fetchall()
        kinds = {k for (k,) in con.execute("SELECT DISTINCT kind FROM contribution_facts").fetchall()}
        view = con.execute("SELECT count(*) FROM contributions").fetchone()[0]
        facts = con.execute("SELECT count(*) FROM contribution_facts").fetchone()[0]
    assert owners == [(f"{REPO}~910001", "email:ada@vendor-a.example", "Vendor A"),
                      (f"{REPO}~910002", "email:bo@vendor-b.example", "Vendor B"),
                      (f"{REPO}~910003", "email:cy@mail.example", "Independent"),
                      (f"{REPO}~910004", "email:ada@vendor-a.example", "Vendor A")]
    # opening a change is not a contribution: 4 commits + 3 reviews + 2 core reviews + 3 merged changes
    assert kinds == {"commit", "review", "core_review", "merged_change"} and view == facts == 12


def test_org_filter_scopes_latency_patch_sets_and_open_age(warehouse):
    first = metric(warehouse, reviews.time_to_first_review_overall, VENDOR_A).row(0, named=True)
    # Vendor A owns 910001 (23.249444 h to Cy's vote) and 910004 (24 h to Cy's comment):
    # median (23.249444 + 24) / 2 = 23.624722; p90 at 0.9*1 -> 23.249444 + 0.9*0.750556 = 23.924944
    assert (first["changes"], first["reviewed"]) == (2, 2)
    assert first["median_hours"] == pytest.approx(23.624722) and first["p90_hours"] == pytest.approx(23.924944)
    # merged and owned by Vendor A: 910001 only, 79.415556 h, 2 patch sets
    merge = metric(warehouse, reviews.time_to_merge, VENDOR_A).row(0, named=True)
    assert merge["merged"] == 1 and merge["median_hours"] == pytest.approx(79.415556)
    assert metric(warehouse, reviews.patch_sets, VENDOR_A).select(
        "merged", "mean_patch_sets", "max_patch_sets").rows() == [(1, 2.0, 2)]
    # open at 03-16 12:00 and owned by Vendor A: 910004 only (created 03-15 10:00) = 26 h = 1.083333 days
    age = metric(warehouse, reviews.open_change_age, VENDOR_A, as_of=datetime(2024, 3, 16, 12, tzinfo=UTC))
    assert age["changes"].to_list() == [1, 0, 0, 0, 0] and age["median_age_days"][0] == pytest.approx(26 / 24)
    # Bo's changes: 910002 only, 48.005556 h to merge; two organisations: 910001 + 910002 + 910004
    bo = metric(warehouse, reviews.time_to_merge, Filters(org=("Vendor B",))).row(0, named=True)
    assert bo["merged"] == 1 and bo["median_hours"] == pytest.approx(48.005556)
    both = metric(warehouse, reviews.time_to_first_review_overall, Filters(org=("Vendor A", "Vendor B")))
    assert both["changes"].to_list() == [3]
    assert metric(warehouse, reviews.time_to_merge, Filters(org=("Vendor C",))).is_empty()


def test_org_filter_scopes_ci_health(warehouse):
    # Vendor A: CI tested 910001 ps2 (ok) and 910004 ps1 (ok) -> 2 tested, 0 failed;
    # merged: 910001, no recheck -> 0 per merged change
    assert metric(warehouse, reviews.ci_health, VENDOR_A).select(
        "patch_sets_tested", "patch_sets_failed", "failure_share", "merged_changes", "rechecks",
        "rechecks_per_merged").rows() == [(2, 0, 0.0, 1, 0, 0.0)]
    # Independent (Cy's 910003): ps1, ps2 failed, ps3, ps4 ok -> 2 of 4; merged with one recheck -> 1.0
    row = metric(warehouse, reviews.ci_health, Filters(org=("Independent",))).row(0, named=True)
    assert (row["patch_sets_tested"], row["patch_sets_failed"], row["merged_changes"], row["rechecks"]) == (4, 2, 1, 1)
    assert row["failure_share"] == pytest.approx(0.5) and row["rechecks_per_merged"] == pytest.approx(1.0)


def test_org_filter_scopes_self_votes_to_own_changes_of_that_org(warehouse):
    # Vendor B: Bo's 3 reviews (as Vendor B at the vote) and his +2 on 910002, created while he was Vendor B
    got = metric(warehouse, reviews.reviews_by_person, Filters(org=("Vendor B",)))
    assert got.select("name", "reviews", "core_approvals", "self_votes").rows() == [("Bo Core", 3, 2, 1)]


def test_org_filter_scopes_review_coverage_by_commit_author(warehouse):
    # Vendor A authored commit 1 (approved by Bo) -> 1 of 1; Vendor B commits 2 (self +2 only) and 6
    # (direct push) -> 0 of 2; Independent: commit 4 (approved by Bo) -> 1 of 1; A + B -> 1 of 3
    assert metric(warehouse, reviews.review_coverage_overall, VENDOR_A).rows() == [(1, 1, 1.0)]
    assert metric(warehouse, reviews.review_coverage_overall, Filters(org=("Vendor B",))).rows() == [(2, 0, 0.0)]
    assert metric(warehouse, reviews.review_coverage, Filters(org=("Independent",))).rows() == [
        (date(2024, 3, 1), 1, 1, 1.0)]
    assert metric(warehouse, reviews.review_coverage_overall, Filters(org=("Vendor A", "Vendor B"))).rows() == [
        (3, 1, pytest.approx(1 / 3))]


@pytest.fixture(scope="module")
def cy_at_vendor_a(warehouse, tmp_path_factory):
    """A copy of the warehouse where Cy worked for Vendor A until 2024-03-12 (exclusive): a correction
    written after collection, which the end-of-write rebuild must apply to change owners too."""
    path = tmp_path_factory.mktemp("moved") / "wh.duckdb"
    shutil.copyfile(warehouse, path)
    with writer(path) as con:
        con.execute("INSERT INTO affiliations (person_id, org, valid_from, valid_to, origin) "
                    "VALUES ('email:cy@mail.example', 'Vendor A', DATE '2024-01-01', DATE '2024-03-12', 'test')")
    return path


def test_owner_org_is_the_one_at_creation_and_commit_org_the_one_at_commit_date(cy_at_vendor_a):
    # 910003 was created 03-10, while Cy was at Vendor A: Vendor A's merged changes are 910001
    # (79.415556 h) and 910003 (244.005556 h): median 161.710556; p90 at 0.9*1 -> 79.415556 +
    # 0.9*164.59 = 227.546556
    merge = metric(cy_at_vendor_a, reviews.time_to_merge, VENDOR_A).row(0, named=True)
    assert merge["merged"] == 2
    assert merge["median_hours"] == pytest.approx(161.710556) and merge["p90_hours"] == pytest.approx(227.546556)
    assert metric(cy_at_vendor_a, reviews.time_to_merge, Filters(org=("Independent",))).is_empty()
    # but Cy's commit 4 is dated 03-20, after the period: still Independent, so Vendor A's coverage is
    # commit 1 only (1 of 1) and the Independent one commit 4 (1 of 1)
    assert metric(cy_at_vendor_a, reviews.review_coverage_overall, VENDOR_A).rows() == [(1, 1, 1.0)]
    assert metric(cy_at_vendor_a, reviews.review_coverage_overall, Filters(org=("Independent",))).rows() == [
        (1, 1, 1.0)]
