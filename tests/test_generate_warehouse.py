"""The benchmark warehouse generator at a tiny scale, so it does not rot.

``benchmarks/generate_warehouse.py`` writes the 1,000,000-commit warehouse the speed
benchmarks run against; here it writes ~1,000 commits through the same code path
(real schema, loaders, identity rebuild, derived tables) and every area page's
charts must find data in it, so the benchmark measures real work on every page.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import duckdb
import pytest

from healthdash.dashboard import charts as registry
from healthdash.metrics import Filters
from healthdash.warehouse import reader

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("generated") / "bench.duckdb"
    counts = _module("generate_warehouse").generate(path, scale=0.001, seed=3, log=lambda _line: None)
    return path, counts


def test_generator_writes_every_table_at_the_requested_shape(generated):
    path, counts = generated
    # scale 0.001 of 1,050,000 commits / 300,000 changes / 200,000 bugs, with the minimum sizes
    assert counts["commits"] == 1_050
    assert counts["changes"] == 300
    assert counts["bugs"] == 200
    assert counts["review_votes"] > counts["changes"]          # several votes per change
    assert counts["people"] == 60                              # git, Gerrit and Launchpad identities merged
    assert counts["identities"] == 180
    assert counts["affiliations"] > 0 and counts["advisories"] > 0 and counts["coverage_reports"] > 0
    assert counts["organisations"] >= 5
    with duckdb.connect(str(path), read_only=True) as con:
        bots, humans = con.execute("SELECT count(*) FILTER (WHERE is_bot), count(*) FILTER (WHERE NOT is_bot) "
                                   "FROM people").fetchone()
        assert 0 < bots < humans
        # every contribution kind is attributed, over ~10 years
        kinds = dict(con.execute("SELECT kind, count(*) FROM contribution_facts GROUP BY kind").fetchall())
        assert set(kinds) == {"commit", "review", "core_review", "merged_change", "bug_filed", "bug_fixed"}
        years = con.execute("SELECT count(DISTINCT year(ts)) FROM contribution_facts WHERE kind = 'commit'")
        assert years.fetchone()[0] >= 10


def test_the_same_seed_gives_the_same_warehouse(generated, tmp_path):
    path, counts = generated
    again = _module("generate_warehouse").generate(tmp_path / "again.duckdb", scale=0.001, seed=3,
                                                   log=lambda _line: None)
    assert again == counts
    query = "SELECT sum(hash(repo, sha, author_identity, author_date)) FROM commits"
    with duckdb.connect(str(path), read_only=True) as a, duckdb.connect(str(tmp_path / "again.duckdb"),
                                                                       read_only=True) as b:
        assert a.execute(query).fetchone() == b.execute(query).fetchone()


@pytest.mark.parametrize("page", ["participation", "quality", "security", "commonality", "consistency", "strategic"])
def test_every_chart_of_the_area_pages_has_data(generated, page):
    path, _ = generated
    with reader(path) as con:
        empty = [chart.name for chart in registry.for_page(page) if chart.metric(con.cursor(), Filters()).is_empty()]
    assert empty == []


def test_chart_benchmark_runs_over_the_generated_warehouse(generated):
    path, _ = generated
    lines: list[str] = []
    summary = _module("bench_charts").run(path, runs=1, pages=["participation"], out=lines.append)
    assert summary["errors"] == 0 and summary["charts"] >= len(registry.for_page("participation"))
    assert any("commits-by-org" in line for line in lines)
    assert any(line.startswith("all charts and KPIs: p95") and "x baseline" in line for line in lines)
