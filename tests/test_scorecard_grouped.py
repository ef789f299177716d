"""The scorecard's grouped inputs equal the area pages' own numbers, cell by cell.

The scorecard reads every team, the community and both cycles at once
(``sql/*_by_team.sql`` and per-repository frames); the page a cell links to runs the
area's own metric function with that team and period as filters.  The oracle below is
the scorecard's former path, one area call per team and period (ported here, out of
product code): every indicator value of every team and the community, current and
previous cycle, must be the same.

Warehouses: the benchmark generator at a tiny scale (scale 0.02: 3 teams, 4,000 bugs, bots, affiliation changes,
ten years of release cycles, security bugs, coverage); tests/neutrality_community.py with
two affiliation changes written after collection (as tests/test_rollups.py); the hand-counted
community of tests/test_scorecard.py; and tests/commonality_fixture.py collected (head states).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal
import pytest

import strategic_community
from healthdash.metrics import (bugs, commonality, consistency, neutrality, parse_filters, quality, reviews,
                                scorecard, security)
from healthdash.metrics.cycles import resolve_cycle
from healthdash.metrics.filters import Filters
from healthdash.warehouse import reader

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


# --------------------------------------------------------------------------- the oracle: one call per team

class _Inputs:
    """Metric frames memoised per (function, filters), as the former scorecard read them."""

    def __init__(self, con):
        self.con = con
        self._frames: dict[tuple, pl.DataFrame] = {}

    def frame(self, metric, filters: Filters) -> pl.DataFrame:
        key = (metric.__module__, metric.__qualname__, filters.to_query())
        if key not in self._frames:
            self._frames[key] = metric(self.con, filters)
        return self._frames[key]

    def cell(self, metric, filters: Filters, column: str, *, when: str | None = None) -> float | None:
        df = self.frame(metric, filters)
        if df.is_empty() or (when and not df[when][0]):
            return None
        value = df[column][0]
        return None if value is None else float(value)


def _bug_outflow(inputs, f):
    flow = inputs.frame(bugs.flow, f)
    opened = int(flow["opened"].sum()) if flow.height else 0
    return int(flow["closed"].sum()) / opened if opened else None


def _review_coverage(inputs, f):
    if not inputs.cell(reviews.time_to_first_review_overall, f, "changes"):
        return None
    return inputs.cell(reviews.review_coverage_overall, f, "coverage", when="commits")


def _concentration(column):
    def value(inputs, f):
        df = inputs.frame(neutrality.concentration, f).filter(pl.col("kind") == "all")
        return None if df.is_empty() or df[column][0] is None else float(df[column][0])
    return value


def _summary(module, column, per=None):
    def value(inputs, f):
        number = inputs.cell(module.summary, f, column)
        if per is None or number is None:
            return number
        base = inputs.cell(module.summary, f, per)
        return number / base if base else None
    return value


ORACLE = {
    "library_adoption": _summary(commonality, "library_adoption"),
    "dependency_drift": _summary(commonality, "conflicting_repos", per="repos"),
    "duplicate_share": _summary(commonality, "duplicated_share"),
    "convention_conformance": _summary(consistency, "conformance"),
    "matrix_completeness": _summary(consistency, "matrix_completeness"),
    "security_fix_days": lambda i, f: i.cell(security.summary, f, "median_days_to_fix", when="fixed_security_bugs"),
    "review_coverage": _review_coverage,
    "coverage": lambda i, f: i.cell(quality.coverage_summary, f, "line_coverage", when="repos_measured"),
    "bug_outflow": _bug_outflow,
    "first_review_hours": lambda i, f: i.cell(reviews.time_to_first_review_overall, f, "median_hours",
                                              when="reviewed"),
    "top_org_share": _concentration("top1_share"),
    "effective_orgs": _concentration("effective_orgs"),
}


def _page_filters(team, period, base):
    """What the cell's link filters the area page by."""
    return replace(Filters(), team=(team,) if team else (), start=period.start, end=period.end,
                   include_bots=base.include_bots)


def oracle(con, filters: Filters) -> dict[tuple[str, str], tuple]:
    current, previous = scorecard.periods(con.cursor(), filters)
    inputs = _Inputs(con.cursor())
    by_key = {ind.key: ind for ind in scorecard.INDICATORS}
    values = {}
    for team in [None, *scorecard.teams(con.cursor(), filters)]:
        for key, value in ORACLE.items():
            now = value(inputs, _page_filters(team, current, filters))
            before = (value(inputs, _page_filters(team, previous, filters))
                      if previous and by_key[key].history else None)
            values[(team or scorecard.COMMUNITY, key)] = (now, before)
    return values


def grouped(con, filters: Filters) -> dict[tuple[str, str], tuple]:
    frame = scorecard.indicators(con, filters)
    return {(r["team"], r["indicator"]): (r["value"], r["previous_value"]) for r in frame.iter_rows(named=True)}


def assert_same(con, query: str) -> dict[tuple[str, str], tuple]:
    filters = resolve_cycle(con.cursor(), parse_filters(query))
    expected, got = oracle(con, filters), grouped(con, filters)
    assert set(got) == set(expected)
    for key, (now, before) in expected.items():
        for want, have in ((now, got[key][0]), (before, got[key][1])):
            if want is None:
                assert have is None, (query, key, have)
            else:     # exact up to the last bits a parallel sum of floats may change
                assert have == pytest.approx(want, rel=1e-12, abs=1e-12), (query, key, want, have)
    return expected


def _known(values: dict[tuple[str, str], tuple], indicator: str, *, previous: bool = False) -> int:
    return sum(1 for (_, key), pair in values.items() if key == indicator and pair[int(previous)] is not None)


# --------------------------------------------------------------------------- warehouses

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("generate_warehouse", BENCHMARKS / "generate_warehouse.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_warehouse"] = module
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp("grouped") / "bench.duckdb"
    module.generate(path, scale=0.02, seed=5, log=lambda _line: None)
    with reader(path) as con:
        yield con


GENERATED_VIEWS = ["", "cycle=2021.2", "cycle=2021.2&bots=1", "cycle=2019.1", "start=2025-06-15",
                   "start=2020-01-10&end=2021-03-20", "end=2022-02-14", "bots=1"]


@pytest.mark.parametrize("query", GENERATED_VIEWS)
def test_generated_community_every_cell_equals_the_area_function(generated, query):
    assert_same(generated, query)


def test_generated_community_has_data_in_every_history_indicator(generated):
    """The comparison is not vacuous: over three cycles, each history indicator has values for
    several units in the current and in the previous cycle (but the first review: the generator
    writes no reviewer responses; the hand-counted community has them), and every head state
    has a value for every unit."""
    teams = scorecard.teams(generated.cursor(), Filters())
    assert len(teams) >= 3
    values = [assert_same(generated, f"cycle={cycle}") for cycle in ("2019.2", "2021.2", "2024.2")]
    for ind in scorecard.INDICATORS:
        if ind.history and ind.key != "first_review_hours":
            assert sum(_known(v, ind.key) for v in values) >= 4, ind.key
            assert sum(_known(v, ind.key, previous=True) for v in values) >= 4, ind.key
    heads = assert_same(generated, "")         # the generator reads content at each head too
    for ind in scorecard.INDICATORS:
        if not ind.history:
            assert _known(heads, ind.key) == len(teams) + 1, ind.key
    narrow = assert_same(generated, f"team={teams[0]}&start=2024-01-01")
    assert {team for team, _ in narrow} == {teams[0], scorecard.COMMUNITY}


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """tests/neutrality_community.py; a1 moves Acme -> Globex on 2024-07-01 (an override after
    collection), zuul (a bot) to Acme on 2024-02-01."""
    from neutrality_community import build_with_moves  # noqa: PLC0415

    path = build_with_moves(tmp_path_factory.mktemp("grouped-moved") / "w.duckdb")
    with reader(path) as con:
        yield con


@pytest.mark.parametrize("query", ["", "cycle=2024.1", "cycle=2024.2", "cycle=2024.2&bots=1",
                                   "start=2024-02-10", "team=storage&start=2024-01-07&bots=1"])
def test_affiliation_changes_every_cell_equals_the_area_function(moved, query):
    values = assert_same(moved, query)
    assert _known(values, "top_org_share") >= 2


@pytest.fixture(scope="module")
def hand_counted(tmp_path_factory):
    path = strategic_community.build(tmp_path_factory.mktemp("grouped-hand") / "s.duckdb")
    with reader(path) as con:
        yield con


@pytest.mark.parametrize("query", ["", "cycle=2024.2", "cycle=2024.1&bots=1", "start=2024-02-01&end=2024-03-04"])
def test_hand_counted_community_every_cell_equals_the_area_function(hand_counted, query):
    values = assert_same(hand_counted, query)
    if query == "":          # 2024.1: first responses 48 h, 12 h, 72 h (tests/test_scorecard.py)
        assert _known(values, "first_review_hours") == 3 and _known(values, "security_fix_days") == 2


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    """tests/commonality_fixture.py collected: teams Core (alpha, beta) and Edge (gamma), with a feature matrix."""
    from commonality_fixture import build  # noqa: PLC0415
    from healthdash.collect import collect, configured_sources  # noqa: PLC0415
    from healthdash.settings import load_settings  # noqa: PLC0415

    settings = load_settings(build(tmp_path_factory.mktemp("grouped-content")))
    collect(settings, configured_sources(settings))
    with reader(settings.warehouse) as con:
        yield con


def test_head_states_every_cell_equals_the_area_summary(content):
    values = assert_same(content, "")
    for key in ("library_adoption", "dependency_drift", "duplicate_share", "convention_conformance"):
        assert _known(values, key) == 3, key          # Core, Edge and the community
    assert_same(content, "team=Edge")


@pytest.mark.parametrize("query", ["cycle=2021.2", "cycle=2024.2&bots=1", "start=2022-03-01&end=2022-09-30",
                                   "start=2025-06-15"])
def test_a_team_filter_picks_rows_and_changes_no_cell(generated, query):
    """A team's row (score, inputs with its governance verdict, link) is the same whether the
    scorecard lists every team or only that one."""
    team = scorecard.teams(generated.cursor(), Filters())[1]
    every = scorecard.scorecard(generated, resolve_cycle(generated.cursor(), parse_filters(query)))
    one = scorecard.scorecard(generated, resolve_cycle(generated.cursor(), parse_filters(f"{query}&team={team}")))
    assert one.to_dicts() == every.filter(pl.col("team").is_in([team, scorecard.COMMUNITY])).to_dicts()
    neutral = one.filter((pl.col("team") == team) & (pl.col("area") == "neutrality"))["inputs"][0]
    assert "governance verdict (180 days to " in neutral


# --------------------------------------------------------------------------- stored release cycles

@pytest.mark.parametrize("query", GENERATED_VIEWS)
def test_stored_cycles_give_the_scorecard_computed_per_call(generated, query):
    """Rollups on: a release cycle's grouped rows and governance verdicts as stored at the last
    write (schema/0035, 0037); off: the same queries over the periods, per call."""
    filters = resolve_cycle(generated.cursor(), parse_filters(query))
    for metric in (scorecard.indicators, scorecard.scorecard):
        assert_frame_equal(metric(generated, filters), metric(generated, replace(filters, rollups=False)))


def test_a_write_changes_the_stored_cycles(tmp_path):
    """The stored cycles are rebuilt by every write: two more organisations' commits in 2024.2
    change compute's biggest organisation's share there from 1 to 1/3.
    tests/neutrality_community.py, cycle 2024.2 (04-01 to 09-30), bots left out: compute's only
    commit is a1's on 07-15 (Acme) -> top share 1/1; with g1's (Globex) on 08-01 and i1's (Initech)
    on 08-02: 1/3, 3 effective organisations (3^2 / (1 + 1 + 1))."""
    from neutrality_community import build, ts  # noqa: PLC0415
    from healthdash.warehouse import load, writer  # noqa: PLC0415

    path = build(tmp_path / "w.duckdb")

    def compute_2024_2():
        with reader(path) as con:
            frame = scorecard.indicators(con, resolve_cycle(con, parse_filters("cycle=2024.2")))
            assert_same(con, "cycle=2024.2")
        row = frame.filter((pl.col("team") == "compute") & pl.col("indicator").is_in(["top_org_share", "effective_orgs"]))
        return dict(zip(row["indicator"], row["value"]))

    assert compute_2024_2() == {"top_org_share": 1.0, "effective_orgs": 1.0}
    with writer(path) as con:
        load.upsert(con, "commits", pl.DataFrame({
            "repo": ["nova", "nova"], "sha": ["f" * 40, "e" * 40], "is_merge": [False, False],
            "author_identity": ["git:g1", "git:i1"], "author_date": [ts("2024-08-01"), ts("2024-08-02")],
            "committer_identity": ["git:g1", "git:i1"], "commit_date": [ts("2024-08-01"), ts("2024-08-02")]}))
    assert compute_2024_2() == {"top_org_share": pytest.approx(1 / 3), "effective_orgs": pytest.approx(3.0)}
