"""Charts made fast for issue 11 give exactly the rows of their earlier definitions.

On a warehouse from the benchmark generator at a small scale (hundreds of commits, changes,
bugs and coverage reports over ten years, every page's tables filled), for many filter sets:

* a rewritten query equals its earlier definition, kept in ``tests/reference_sql/``;
* a rollup-backed metric equals the same metric with ``Filters.rollups`` off (the SQL then
  reads the filtered contributions one by one).

The hand-computed expectations stay in each area's own tests; these prove the speed work
changed no row, including ties, gaps and mid-month windows the small fixtures lack.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from healthdash.metrics import bugs, commonality, neutrality, parse_filters, participation, quality, reviews, run
from healthdash.metrics.cycles import resolve_cycle
from healthdash.metrics.window import as_of
from healthdash.warehouse import load, reader, writer
from healthdash.warehouse.identity_load import rebuild_people

import bug_fixture

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(__file__).resolve().parent / "reference_sql"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("generate_warehouse", ROOT / "benchmarks" / "generate_warehouse.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_warehouse"] = module
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp("rewrites") / "w.duckdb"
    module.generate(path, scale=0.003, seed=5, log=lambda _line: None)
    _add_late_joiners(path)
    with reader(path) as connection:
        yield connection


def _add_late_joiners(path: Path) -> None:
    """Twelve people whose first commit falls in each of the data's last twelve months (the
    generated people all start early), half of them back six months later: the retention
    window's edges ([m+6, m+9), NULL until m+8 has passed) then decide rows."""
    with reader(path) as con:
        repo, last = con.execute("SELECT repo, max(author_date) FROM commits GROUP BY repo "
                                 "ORDER BY count(*) DESC LIMIT 1").fetchall()[0]
    emails = [f"late{k}@latecomer.example" for k in range(12)]
    commits = []
    for k, email in enumerate(emails):
        first = _months_before(last, k)
        commits.append((f"late{k}a", email, first))
        if k % 2 == 0 and k >= 6:                       # back six months later, inside the data
            commits.append((f"late{k}b", email, _months_before(last, k - 6)))
    with writer(path) as con:
        load.upsert(con, "identities", pl.DataFrame({
            "identity_id": [f"git:{e}" for e in emails], "source": ["git"] * 12, "name": emails, "email": emails}))
        load.upsert(con, "commits", pl.DataFrame({
            "repo": [repo] * len(commits), "sha": [c[0] for c in commits], "is_merge": [False] * len(commits),
            "author_identity": [f"git:{c[1]}" for c in commits], "author_date": [c[2] for c in commits],
            "committer_identity": [f"git:{c[1]}" for c in commits], "commit_date": [c[2] for c in commits]}))
        rebuild_people(con)


def _months_before(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 - months
    return moment.replace(year=index // 12, month=index % 12 + 1, day=min(moment.day, 28))


def _values(con, sql: str) -> list:
    return [row[0] for row in con.execute(sql).fetchall()]


@pytest.fixture(scope="module")
def filter_sets(con) -> list[str]:
    """The default view and narrow ones, with names taken from the data (mid-month days on purpose)."""
    team = _values(con, "SELECT team FROM contribution_facts GROUP BY team ORDER BY count(*) DESC LIMIT 1")[0]
    project, other = _values(con, "SELECT project FROM coverage_measurements GROUP BY 1 ORDER BY count(*) DESC LIMIT 2")
    repos = _values(con, "SELECT repo FROM contribution_facts WHERE kind = 'commit' GROUP BY 1 ORDER BY count(*) DESC "
                         "LIMIT 2")
    covered = _values(con, "SELECT repo FROM coverage_measurements GROUP BY 1 ORDER BY 1 LIMIT 1")[0]
    org = _values(con, "SELECT org FROM contribution_facts WHERE NOT is_independent GROUP BY 1 ORDER BY count(*) DESC "
                       "LIMIT 1")[0]
    end = _values(con, "SELECT max(day) FROM contribution_facts")[0]
    return [
        "", "bots=1", f"team={team}", f"team={team}&bots=1", f"project={project}&project={other}",
        f"repo={repos[0]}", f"repo={repos[0]}&repo={repos[1]}&bots=1", f"repo={covered}", f"org={org}",
        f"org={org}&org=Independent&bots=1", "kind=review", "org=Independent",
        f"start={end.replace(year=end.year - 1).isoformat()}", f"team={team}&start={end.replace(year=end.year - 1)}",
        "start=2019-03-17&end=2021-08-09", "end=2022-02-14&bots=1", "start=2024-06-30&end=2024-07-01",
        "start=2040-01-01", f"team={team}&end=2020-05-05&org={org}",
        "start=2019-03-01&end=2021-08-31", "start=2023-01-01&bots=1", f"end=2024-02-29&org={org}",   # whole months
        "kind=commit&kind=review", "kind=bug_filed&start=2022-01-01",
    ]


def _filters(con, query: str, rollups: bool = True):
    return replace(resolve_cycle(con, parse_filters(query)), rollups=rollups)


#: Metric functions rewritten for speed -> the reference SQL file of their earlier definition.
REWRITTEN = {
    quality.coverage_trend_by_project: "quality_coverage_trend_by_project",
    quality.test_line_share: "quality_test_line_share",
    participation.commits_by_org: "participation_commits_by_org",
    neutrality.org_shares_monthly: "neutrality_org_monthly",
    reviews.review_activity: "review_activity",
    neutrality.concentration_trend: "neutrality_trend",
    neutrality.new_contributors: "neutrality_new_contributors",
    bugs.backlog: "bugs_backlog",
    bugs.flow: "bugs_flow",
    bugs.open_age_by_importance: "bugs_open_age_by_importance",
    bugs.time_to_triage: "bugs_time_to_triage",
    neutrality.pony_factor: "neutrality_pony_factor",
    reviews.reviews_by_person: "review_by_person",
}
#: Rewritten queries compared as they run (their functions only split or rename the frame).
REWRITTEN_SQL = ["review_time_to_first_review", "review_time_to_merge", "review_ci_health"]
#: Parameters a metric function binds besides the filters (the reference query gets the same).
EXTRA = {participation.commits_by_org: {"top_n": participation.COMMITS_TOP_N},
         neutrality.org_shares_monthly: {"top_n": neutrality.SHARES_TOP_N}}

#: Metric functions that read a rollup when the filters allow.
ROLLUP_BACKED = [quality.test_line_share, participation.commits_by_org, neutrality.org_shares_monthly,
                 reviews.review_activity, neutrality.concentration_trend, neutrality.new_contributors,
                 bugs.backlog, bugs.flow, bugs.open_age_by_importance, bugs.time_to_triage, reviews.ci_health,
                 neutrality.pony_factor, reviews.reviews_by_person,
                 # common_library_use_rollup (0036) against the common_library_use view
                 commonality.library_adoption, commonality.adoption_by_repo, commonality.adoption_by_team,
                 commonality.summary]
#: The bug metrics read bug_tasks (private bugs flagged, the privacy policy applied per query).
BUG_METRICS = [bugs.backlog, bugs.flow, bugs.open_age_by_importance, bugs.time_to_triage]


def _same(left: pl.DataFrame, right: pl.DataFrame, label: str) -> None:
    """Same rows in the same order: integers, text and dates exactly, floats to 1e-12 relative
    (a float sum's last bits depend on the order rows meet: the original concentration trend
    differs from itself run to run by ~1e-15 in HHI, summed over parallel threads)."""
    assert left.schema == right.schema, f"{label}: {left.schema} != {right.schema}"
    assert left.height == right.height, f"{label}: {left.height} != {right.height} rows"
    floats = [name for name, dtype in left.schema.items() if dtype.is_float()]
    assert_frame_equal(left.drop(floats), right.drop(floats), check_exact=True), label
    for name in floats:
        a, b = left[name], right[name]
        assert (a.is_null() == b.is_null()).all(), f"{label}: {name} nulls differ"
        close = ((a - b).abs() <= 1e-12 * b.abs()) | a.is_null() | (a == b)
        assert close.all(), f"{label}: {name} differs: {a.filter(~close).head(3).to_list()} vs " \
                            f"{b.filter(~close).head(3).to_list()}"


def _reference(con, metric, filters):
    sql = (REFERENCE / f"{REWRITTEN[metric]}.sql").read_text("utf-8")
    if metric is participation.commits_by_org:      # the function narrows the filters to commits
        filters = participation._only_kind(filters, "commit")
    params = {**filters.params(), "as_of": as_of(filters), **EXTRA.get(metric, {})}
    bound = {key: value for key, value in params.items() if f"${key}" in sql}
    return con.sql(sql, params=bound).pl()


@pytest.mark.parametrize("metric", list(REWRITTEN), ids=lambda m: m.__name__)
def test_rewritten_queries_give_the_rows_of_their_earlier_definition(con, filter_sets, metric):
    for query in filter_sets:
        filters = _filters(con, query)
        _same(metric(con, filters), _reference(con, metric, filters), f"{metric.__name__}({query!r})")


@pytest.mark.parametrize("name", REWRITTEN_SQL)
def test_rewritten_sql_gives_the_rows_of_its_earlier_definition(con, filter_sets, name):
    reference = (REFERENCE / f"{name}.sql").read_text("utf-8")
    for query in filter_sets:
        filters = _filters(con, query)
        bound = {key: value for key, value in filters.params().items() if f"${key}" in reference}
        _same(run(con, name, filters), con.sql(reference, params=bound).pl(), f"{name}({query!r})")


@pytest.mark.parametrize("metric", ROLLUP_BACKED, ids=lambda m: m.__name__)
def test_rollup_backed_metrics_equal_the_metric_over_contributions(con, filter_sets, metric):
    for query in filter_sets:
        _same(metric(con, _filters(con, query)), metric(con, _filters(con, query, rollups=False)),
              f"{metric.__name__}({query!r})")


def test_dependency_rows_keep_the_rows_and_order_of_their_earlier_definition(con, filter_sets):
    """The ORDER BY moved from commonality_dependency_rows.sql to polars and each distinct
    (specifier, version) pair is judged once: the rows, their order and each row's verdict are
    those of the earlier query judged row by row; the summary's counts over the unordered rows
    equal those over the ordered ones."""
    reference = (REFERENCE / "commonality_dependency_rows.sql").read_text("utf-8")
    for query in filter_sets:
        filters = _filters(con, query)
        bound = {key: value for key, value in filters.params().items() if f"${key}" in reference}
        old = con.sql(reference, params=bound).pl()
        old = old.with_columns(pl.Series("allows_constraint", [
            commonality.allows(s, v) for s, v in zip(old["specifier"].to_list(), old["constrained_version"].to_list())],
            dtype=pl.Boolean))
        _same(commonality.dependency_rows(con, filters), old, f"dependency_rows({query!r})")
        summary = commonality.summary(con, filters)
        drifting = commonality._drift(old).filter(pl.col("specifiers") > 1).height
        conflicting = commonality._conflicts(old)["repo"].n_unique()
        assert summary.select("drifting_dependencies", "conflicting_repos").row(0) == (
            (drifting, conflicting) if summary["repos"][0] else (None, None)), query


def test_the_filter_sets_select_rows(con, filter_sets):
    """The comparisons are not between empty frames: most filter sets select rows in each metric."""
    for metric in [*REWRITTEN, *ROLLUP_BACKED]:
        selected = sum(not metric(con, _filters(con, query)).is_empty() for query in filter_sets)
        assert selected >= len(filter_sets) * 2 // 3, metric.__name__


def test_bug_tasks_follow_the_privacy_policy_at_query_time(tmp_path):
    """bug_fixture has two private bugs (E open since 2024-03-21, J fixed 2024-02-20); the rollup
    keeps them flagged and bug_tasks_in counts them only under the policy, as bugs_in does."""
    march_backlog = {}
    for count_private in (False, True):
        db = bug_fixture.build(tmp_path / f"w{count_private}.duckdb", count_private=count_private)
        with reader(db) as con:
            for metric in BUG_METRICS:
                for query in ["", "end=2024-03-31", "start=2024-02-01&end=2024-04-30", "project=widgetlib"]:
                    _same(metric(con, _filters(con, query)), metric(con, _filters(con, query, rollups=False)),
                          f"{metric.__name__}({query!r}, count_private={count_private})")
            assert con.execute("SELECT count(*) FROM bug_tasks WHERE is_private").fetchall() == [(2,)]
            march_backlog[count_private] = bugs.backlog(con, _filters(con, "end=2024-03-31"))["open_bugs"][-1]
    # E is open at the end of March; J was fixed in February: one more open task when private bugs count
    assert march_backlog[True] == march_backlog[False] + 1
