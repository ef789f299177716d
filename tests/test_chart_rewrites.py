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
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from healthdash.metrics import parse_filters, quality
from healthdash.metrics.cycles import resolve_cycle
from healthdash.warehouse import reader

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
    with reader(path) as connection:
        yield connection


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
    ]


def _filters(con, query: str, rollups: bool = True):
    return replace(resolve_cycle(con, parse_filters(query)), rollups=rollups)


#: Metric functions rewritten for speed -> the reference SQL file of their earlier definition.
REWRITTEN = {
    quality.coverage_trend_by_project: "quality_coverage_trend_by_project",
}

#: Metric functions that read a rollup when the filters allow.
ROLLUP_BACKED = [quality.test_line_share]


def _same(left, right, label: str) -> None:
    try:
        assert_frame_equal(left, right, check_exact=True)
    except AssertionError as err:
        raise AssertionError(f"{label}: {err}") from None


def _reference(con, name: str, filters):
    sql = (REFERENCE / f"{name}.sql").read_text("utf-8")
    bound = {key: value for key, value in filters.params().items() if f"${key}" in sql}
    return con.sql(sql, params=bound).pl()


@pytest.mark.parametrize("metric", list(REWRITTEN), ids=lambda m: m.__name__)
def test_rewritten_queries_give_the_rows_of_their_earlier_definition(con, filter_sets, metric):
    for query in filter_sets:
        filters = _filters(con, query)
        _same(metric(con, filters), _reference(con, REWRITTEN[metric], filters), f"{metric.__name__}({query!r})")


@pytest.mark.parametrize("metric", ROLLUP_BACKED, ids=lambda m: m.__name__)
def test_rollup_backed_metrics_equal_the_metric_over_contributions(con, filter_sets, metric):
    for query in filter_sets:
        _same(metric(con, _filters(con, query)), metric(con, _filters(con, query, rollups=False)),
              f"{metric.__name__}({query!r})")


def test_the_filter_sets_select_rows(con, filter_sets):
    """The comparisons are not between empty frames: most filter sets select rows in each metric."""
    for metric in [*REWRITTEN, *ROLLUP_BACKED]:
        selected = sum(not metric(con, _filters(con, query)).is_empty() for query in filter_sets)
        assert selected >= len(filter_sets) * 2 // 3, metric.__name__
