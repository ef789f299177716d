"""Commonality and consistency end to end: real git repositories -> collectors -> warehouse -> metrics.

The community is tests/commonality_fixture.py; every expected figure below is
worked out by hand from the files written there.
"""

from __future__ import annotations

import polars as pl
import pytest

from commonality_fixture import build
from healthdash.collect import collect, configured_sources
from healthdash.metrics import commonality, consistency
from healthdash.metrics.filters import Filters, parse_filters
from healthdash.settings import load_settings
from healthdash.warehouse import reader


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    root = tmp_path_factory.mktemp("commonality")
    settings = load_settings(build(root))
    results = {r.source_id: r for r in collect(settings, configured_sources(settings))}
    return settings, results


def frame(community, metric, filters=None):
    settings, _ = community
    with reader(settings.warehouse) as con:
        return metric(con, filters or Filters())


def test_malformed_inputs_are_one_line_errors_and_nothing_else_is_lost(community):
    _, results = community
    assert results["git:gamma"].error is None            # a bad manifest line does not fail the source ...
    settings, _ = community
    with reader(settings.warehouse) as con:              # ... it is the manifests_readable check's detail
        [(passed, detail)] = con.execute("SELECT passed, detail FROM repo_checks WHERE repo = 'gamma' "
                                         "AND check_name = 'manifests_readable'").fetchall()
    assert passed is False and detail == ("test-requirements.txt line 2: not a valid requirement 'foo==>1' "
                                          "(Expected semicolon (after name with no version specifier) or end)")
    assert results["feature_matrix:broken"].error.endswith(
        "bad.csv line 3: status 'maybe' for stop / x is not one of complete, partial, missing, unknown")
    for ok in ("git:alpha", "git:beta", "requirements:global", "feature_matrix:drivers", "feature_matrix:legacy"):
        assert results[ok].error is None, results[ok].error
    # gamma's commit, its setup.cfg and the good line of the bad file are all there
    with reader(settings.warehouse) as con:
        assert con.execute("SELECT count(*) FROM commits WHERE repo = 'gamma'").fetchone() == (1,)
        assert sorted(con.execute("SELECT file, name, line FROM dependencies WHERE repo = 'gamma'").fetchall()) == [
            ("setup.cfg", "pbr", 6), ("setup.cfg", "requests", 7), ("test-requirements.txt", "pytest", 1)]
        assert con.execute("SELECT count(*) FROM feature_matrix WHERE matrix = 'broken'").fetchone() == (0,)


def test_manifests_every_format(community):
    settings, _ = community
    with reader(settings.warehouse) as con:
        rows = con.execute("SELECT repo, file, section, name, specifier, markers, kind, line FROM dependencies "
                           "WHERE repo IN ('alpha', 'beta') ORDER BY repo, file, line, name").fetchall()
    assert rows == [
        ("alpha", "extra-requirements.txt", "", "six", ">=1.16.0", 'python_version >= "3.8"', "runtime", 1),
        ("alpha", "requirements.txt", "", "pbr", ">=2.0.0", "", "runtime", 2),
        ("alpha", "requirements.txt", "", "requests", "!=2.26.0,>=2.25.1", "", "runtime", 3),   # hash dropped
        ("alpha", "requirements.txt", "", "common-config", ">=9.0.0", "", "runtime", 5),
        ("alpha", "test-requirements.txt", "", "pytest", ">=7", "", "test", 1),
        ("beta", "pyproject.toml", "project.dependencies", "common-log", ">=5.0", "", "runtime", 4),
        ("beta", "pyproject.toml", "project.dependencies", "requests", "<2.0", "", "runtime", 4),
        ("beta", "pyproject.toml", "project.optional-dependencies.test", "pytest", ">=8", "", "test", 7),
    ]


def test_library_adoption(community):
    df = frame(community, commonality.library_adoption)
    got = {(r["repo"], r["library"]): r["status"] for r in df.iter_rows(named=True)}
    # alpha declares common.config (and imports common_config); beta declares common.log; gamma neither
    assert got == {("alpha", "common.config"): "declared", ("alpha", "common.log"): "not used",
                   ("beta", "common.config"): "not used", ("beta", "common.log"): "declared",
                   ("gamma", "common.config"): "not used", ("gamma", "common.log"): "not used"}
    by_repo = {r["repo"]: r["adoption"] for r in frame(community, commonality.adoption_by_repo).iter_rows(named=True)}
    assert by_repo == {"alpha": 0.5, "beta": 0.5, "gamma": 0.0}       # 1/2, 1/2, 0/2
    by_team = {r["team"]: (r["pairs"], r["declared"], r["adoption"])
               for r in frame(community, commonality.adoption_by_team).iter_rows(named=True)}
    assert by_team == {"Core": (4, 2, 0.5), "Edge": (2, 0, 0.0)}      # Core: 2 of 2 x 2 pairs; Edge: 0 of 2


def test_dependency_drift(community):
    df = frame(community, commonality.dependency_drift)
    got = [(r["name"], r["repos"], r["specifiers"], r["constrained_version"], r["repos_excluding"],
            r["excluding_repos"]) for r in df.iter_rows(named=True)]
    # requests: alpha !=2.26.0,>=2.25.1 / beta <2.0 / gamma >=2.0 -> 3 specifiers; beta's excludes 2.31.0
    # pytest: >=7 / >=8 / any -> 3 specifiers; pbr: >=2.0.0 twice -> 1; six, common-* in one repo only
    assert got == [("requests", 3, 3, "2.31.0", 1, "beta"), ("pytest", 3, 3, "8.0.0", 0, ""),
                   ("pbr", 2, 1, "6.0.0", 0, "")]
    conflicts = frame(community, commonality.dependency_conflicts)
    assert conflicts.select("repo", "file", "line", "name", "specifier").rows() == [
        ("beta", "pyproject.toml", 4, "requests", "<2.0")]
    by_repo = {r["repo"]: (r["dependencies"], r["conflicting"], r["unconstrained"])
               for r in frame(community, commonality.drift_by_repo).iter_rows(named=True)}
    # alpha: pbr, requests, common-config, six, pytest (common-config has no constraint)
    assert by_repo == {"alpha": (5, 0, 1), "beta": (3, 1, 1), "gamma": (3, 0, 0)}


def test_duplicate_code(community):
    blocks = frame(community, commonality.duplicate_blocks)
    # the 10 code lines of merge_settings (docstring, import and comment dropped) are in alpha and beta
    assert blocks.select("repos", "copies", "code_lines", "location_a", "location_b").rows() == [
        (2, 2, 10, "alpha/alpha/settings.py:4-13", "beta/beta/util.py:1-11")]
    assert blocks["link_a"][0].startswith("https://github.com/example/alpha/blob/")
    assert blocks["link_a"][0].endswith("/alpha/settings.py#L4-L13")
    assert blocks["link_b"][0] is None                    # beta has no web URL
    share = {r["repo"]: (r["python_lines"], r["duplicated_lines"], r["shares_with"])
             for r in frame(community, commonality.duplicate_share).iter_rows(named=True)}
    # alpha: 10 code lines, all copied; beta: 10 copied + 2 of other(); gamma: 1 line (LOG = ...)
    assert share == {"alpha": (10, 10, "beta"), "beta": (12, 10, "alpha"), "gamma": (1, 0, None)}
    one = frame(community, commonality.duplicate_blocks, parse_filters("repo=beta"))
    assert one.height == 1 and one["location_a"][0].startswith("alpha/")       # both sides still shown


def test_conventions(community):
    matrix = frame(community, consistency.convention_matrix)
    holes = {r["repo"]: sorted(r["check_name"] for r in matrix.filter(matrix["repo"] == r["repo"])
                               .filter(~matrix.filter(matrix["repo"] == r["repo"])["passed"]).iter_rows(named=True))
             for r in matrix.unique("repo").iter_rows(named=True)}
    assert holes["alpha"] == ["contributing", "security_policy", "uses_common_logging"]
    assert holes["beta"] == ["docs", "uses_common_config", "uses_common_logging"]
    assert len(holes["gamma"]) == 13                         # nothing at all, and a bad manifest
    by_repo = {r["repo"]: (r["checks"], r["passed"]) for r in
               frame(community, consistency.conformance_by_repo).iter_rows(named=True)}
    assert by_repo == {"alpha": (13, 10), "beta": (13, 10), "gamma": (13, 0)}
    by_check = {r["check_name"]: (r["passed"], r["repos"]) for r in
                frame(community, consistency.adoption_by_check).iter_rows(named=True)}
    assert by_check["licence"] == (2, 3) and by_check["security_policy"] == (1, 3)
    assert by_check["python_versions"] == (2, 3)             # alpha setup.cfg >=3.9, beta pyproject >=3.10
    details = {(r["repo"], r["check_name"]): r["detail"] for r in matrix.iter_rows(named=True)}
    assert details[("alpha", "python_versions")] == ">=3.9"
    assert details[("alpha", "lint_config")] == "tox.ini [flake8]"
    assert details[("alpha", "uses_common_config")] == "1 Python file import common.config"
    summary = frame(community, consistency.summary)
    assert summary["conformance"][0] == pytest.approx(20 / 39)   # (10 + 10 + 0) / (3 x 13)


def test_feature_matrices(community):
    comp = {(r["matrix"], r["target"]): (r["features"], r["complete"], r["partial"], r["not_listed"],
                                          r["completeness"])
            for r in frame(community, consistency.feature_completeness).iter_rows(named=True)}
    # drivers: fast = (2 complete + 1/2 partial) / 3; slow = (0 + 1/2) / 3 and op.c not listed
    assert comp[("drivers", "fast")] == (3, 2, 1, 0, pytest.approx(2.5 / 3))
    assert comp[("drivers", "slow")] == (3, 0, 1, 1, pytest.approx(0.5 / 3))
    assert {m for m, _ in comp} == {"drivers"}            # no matrix chosen: the first by name with cells
    legacy = parse_filters("matrix=legacy", extra_keys=("matrix",))
    comp = {r["target"]: (r["features"], r["complete"], r["completeness"])
            for r in frame(community, consistency.feature_completeness, legacy).iter_rows(named=True)}
    assert comp == {"xen": (1, 1, 1.0), "kvm": (1, 0, 0.0)}     # the older [targets] layout
    drivers = parse_filters("matrix=drivers", extra_keys=("matrix",))
    holes = frame(community, consistency.feature_holes, drivers)
    assert holes.select("feature", "target", "status").rows() == [("operation.b", "slow", "missing"),
                                                                  ("operation.c", "slow", "not listed")]
    diff = frame(community, consistency.feature_differences, drivers)       # the two most complete: fast, slow
    assert diff.select("feature", "status_a", "status_b").rows() == [
        ("operation.a", "complete", "partial"), ("operation.b", "complete", "missing"),
        ("operation.c", "partial", "not listed")]
    cells = frame(community, consistency.feature_cells, drivers)
    assert cells.height == 6 and "only on Tuesdays" in cells["notes"].to_list()       # 3 features x 2 targets
    legacy = parse_filters("matrix=legacy&target_a=kvm&target_b=xen", extra_keys=("matrix", "target_a", "target_b"))
    assert frame(community, consistency.feature_differences, legacy).select(
        "target_a", "status_a", "status_b", "notes_a").rows() == [("kvm", "unknown", "complete", "untested")]


def test_an_unchanged_tree_is_not_read_again(community, tmp_path):
    settings, _ = community
    again = {r.source_id: r for r in collect(settings, configured_sources(settings))}
    assert again["git:alpha"].rows == 0 and again["git:alpha"].error is None   # same head: nothing read


# --------------------------------------------------------------------------- dashboard

@pytest.fixture(scope="module")
def dash_context(community):
    from healthdash.dashboard import callbacks as cb
    from healthdash.dashboard.data import Warehouse

    settings, _ = community
    return cb.DashboardContext(settings, Warehouse(settings.warehouse))


def _texts(component) -> str:
    import json

    import plotly.io as pio
    return pio.to_json(component.figure) if hasattr(component, "figure") else json.dumps(
        component.to_plotly_json(), default=str)


def test_every_commonality_and_consistency_chart_renders_its_numbers(dash_context):
    from healthdash.dashboard import callbacks as cb
    from healthdash.dashboard import charts as registry

    names = [c.name for c in registry.for_page("commonality") + registry.for_page("consistency")]
    assert len(names) == 14
    for name in names:
        view = cb.chart_view(dash_context, name, "?matrix=drivers")
        assert "panel-error" not in _texts(view) and "panel-warn" not in _texts(view), name
    heat = cb.chart_view(dash_context, "commonality-library-adoption", "")
    assert heat.figure.data[0].y == ("alpha", "beta", "gamma") and heat.figure.data[0].x == ("common.config",
                                                                                              "common.log")
    assert list(heat.figure.data[0].z[0]) == [3, 0]         # alpha declares common.config, not common.log
    csv = cb.chart_csv(dash_context, "consistency-feature-differences", "?matrix=legacy&target_a=kvm&target_b=xen")
    assert csv["content"].splitlines()[1] == "Boot,kvm,unknown,xen,complete,untested,,operation.boot,legacy"


def test_kpis_fill_the_overview_cards(dash_context):
    from healthdash.dashboard import callbacks as cb

    cards = {c.id: c.children[0].children for c in cb.kpi_view(dash_context, "commonality", "")}
    assert cards["kpi-commonality-kpi-library-adoption"] == "33%"        # mean of 1/2, 1/2, 0/2
    assert cards["kpi-commonality-kpi-conflicting-repos"] == "1"         # beta
    cards = {c.id: c.children[0].children for c in cb.kpi_view(dash_context, "consistency", "")}
    assert cards["kpi-consistency-kpi-conformance"] == "51%"             # 20 / 39


def test_matrix_picker_keeps_its_choice_in_the_url(community, dash_context):
    import dash

    from healthdash.dashboard.app import create_app
    from healthdash.dashboard.matrix_picker import picker_search, picker_state

    create_app(warehouse=community[0].warehouse)                            # registers the pages
    layout = dash.page_registry["healthdash.dashboard.pages.consistency"]["layout"]
    assert "consistency-target_b" in str(layout(tab="features").to_plotly_json())   # on the matrices' tab
    assert "consistency-target_b" not in str(layout().to_plotly_json())              # not on the conventions'

    state = picker_state(dash_context.warehouse, "?team=Core")
    assert [o["value"] for o in state["matrix_options"]] == ["drivers", "legacy"]
    assert (state["matrix"], state["target_a"], state["target_b"]) == ("drivers", "fast", "slow")
    assert picker_search("?team=Core", "drivers", "slow", "fast") == \
        "?team=Core&matrix=drivers&target_a=slow&target_b=fast"
    # another matrix forgets the old targets; an unchanged choice changes nothing
    assert picker_search("?matrix=drivers&target_a=slow&target_b=fast", "legacy", "slow", "fast") == "?matrix=legacy"
    assert picker_search("?matrix=legacy", "legacy", None, None) is None


def test_import_match_of_the_library_use_view(tmp_path):
    """common_library_use (0028) matches an import by its dotted prefixes; the rows must be those of
    0015's imports_distribution test.  Library oslo.config (label 'oslo.config'), repository app:
      oslo_config (2 files) and OSLO.Config.cfg (1) import it; oslo.configx, oslo and
      oslo_config_extra do not -> 'imported only', 3 importing files.
    Library my-lib (label 'My-Lib'): my_lib.sub (4) imports it; 'my-lib' is not a Python name but
      matches the label itself (5); mylib does not -> 9 files, and 'declared' (a runtime dependency)."""
    import polars as pl  # noqa: PLC0415

    from healthdash.warehouse import load, writer  # noqa: PLC0415

    path = tmp_path / "w.duckdb"
    imports = {"oslo_config": 2, "OSLO.Config.cfg": 1, "oslo.configx": 7, "oslo": 7, "oslo_config_extra": 7,
               "my_lib.sub": 4, "my-lib": 5, "mylib": 7}
    with writer(path) as con:
        load.upsert(con, "repo_content", pl.DataFrame({"repo": ["app"], "head": ["h"], "python_lines": [10]}))
        load.upsert(con, "common_libraries", pl.DataFrame({"name": ["oslo-config", "my-lib"],
                                                           "label": ["oslo.config", "My-Lib"],
                                                           "origin": ["settings", "settings"]}))
        load.upsert(con, "repo_imports", pl.DataFrame({"repo": ["app"] * len(imports), "module": list(imports),
                                                       "files": list(imports.values())}))
        load.upsert(con, "dependencies", pl.DataFrame({"repo": ["app"], "file": ["requirements.txt"],
                                                       "section": [""], "name": ["my-lib"], "specifier": [""],
                                                       "markers": [""], "kind": ["runtime"], "line": [1]}))
    with reader(path) as con:
        rows = con.execute("SELECT library, status, importing_files FROM common_library_use "
                           "ORDER BY library").fetchall()
        by_0015 = con.execute("""
            SELECT l.name, sum(i.files) FROM common_libraries l JOIN repo_imports i
              ON imports_distribution(i.module, l.label) GROUP BY l.name ORDER BY l.name""").fetchall()
    assert rows == [("my-lib", "declared", 9), ("oslo-config", "imported only", 3)]
    assert by_0015 == [("my-lib", 9), ("oslo-config", 3)]


def test_a_status_map_of_many_repositories_draws_the_worst_sixty():
    from healthdash.dashboard.charts.commonality import ADOPTION, MAX_MAP_ROWS, status_heatmap

    # 100 repositories x 2 libraries; repo-k declares both for k >= 30, only "a" for 10 <= k < 30, none below
    rows = [(f"repo-{k:03d}", lib, "declared" if k >= 30 or (k >= 10 and lib == "a") else "not used")
            for k in range(100) for lib in ("a", "b")]
    df = pl.DataFrame(rows, schema=["repo", "library", "status"], orient="row")
    fig = status_heatmap(rows="repo", columns="library", status="status", levels=ADOPTION, empty="-")(df)
    shown = list(fig.data[0].y)
    assert len(shown) == MAX_MAP_ROWS == 60
    # worst first: mean level 0 (repo-000..009), then 1.5 (repo-010..029), then 3 (repo-030..059 by name)
    assert shown[:10] == [f"repo-{k:03d}" for k in range(10)] and shown[10] == "repo-010" and shown[-1] == "repo-059"
    assert "the 60 of 100 repositories with the most gaps" in fig.layout.title.text
    small = status_heatmap(rows="repo", columns="library", status="status", levels=ADOPTION, empty="-")(df.head(20))
    assert list(small.data[0].y) == [f"repo-{k:03d}" for k in range(10)]    # few rows: all, in their order
    assert "most gaps" not in (small.layout.title.text or "")


def test_a_collection_that_changes_requirements_changes_the_adoption_map_and_kpi(tmp_path):
    """The adoption metrics read common_library_use_rollup (0036), rebuilt at the end of every write
    session: a new head of gamma that declares common.config and imports common_log (without
    declaring it) must show at once.  Before: alpha 1/2, beta 1/2, gamma 0/2 -> mean 1/3; after:
    gamma declares 1 of 2 and imports one more -> 'declared' + 'imported only', mean (1/2 * 3) / 3 = 1/2."""
    from gitrepo import add_commits  # noqa: PLC0415

    settings = load_settings(build(tmp_path))
    collect(settings, configured_sources(settings))

    def state():
        with reader(settings.warehouse) as con:
            statuses = {r["library"]: r["status"] for r in commonality.library_adoption(con, parse_filters(
                "repo=gamma")).iter_rows(named=True)}
            stored = con.execute("SELECT count(*) FROM (SELECT * FROM common_library_use EXCEPT ALL "
                                 "SELECT * FROM common_library_use_rollup)").fetchall()[0][0]
            return statuses, commonality.summary(con)["library_adoption"][0], stored

    assert state() == ({"common.config": "not used", "common.log": "not used"}, pytest.approx(1 / 3), 0)
    add_commits(tmp_path / "gamma", [{"date": "2024-06-01T10:00:00Z", "files": {
        "setup.cfg": ("[metadata]\nname = gamma\n\n[options]\ninstall_requires =\n    pbr>=2.0.0\n"
                      "    requests>=2.0\n    common.config>=9.0\n"),
        "gamma.py": "import logging\nimport common_log\nLOG = logging.getLogger(__name__)\n"}}])
    collect(settings, configured_sources(settings))
    assert state() == ({"common.config": "declared", "common.log": "imported only"}, pytest.approx(1 / 2), 0)


def test_a_large_status_map_keys_its_colours_instead_of_a_symbol_per_cell():
    from healthdash.dashboard.charts.commonality import ADOPTION, MAX_SYMBOL_CELLS, status_heatmap

    def status_map(repos: int, libraries: int):
        rows = [(f"repo-{k:03d}", f"lib-{j:02d}", "declared" if (k + j) % 2 else "not used")
                for k in range(repos) for j in range(libraries)]
        df = pl.DataFrame(rows, schema=["repo", "library", "status"], orient="row")
        return status_heatmap(rows="repo", columns="library", status="status", levels=ADOPTION, empty="-")(df)

    assert MAX_SYMBOL_CELLS == 600
    small = status_map(20, 30)                        # 600 cells: a symbol in each
    assert small.data[0].texttemplate == "%{text}" and small.data[0].text[0][1] == ADOPTION["declared"][1]
    large = status_map(40, 30)                        # 1,200 cells: colours, and the key says which is which
    assert large.data[0].texttemplate is None and large.data[0].text is None
    for name, (_, _, color) in ADOPTION.items():
        assert f"<span style='color:{color}'>■</span> {name}" in large.layout.title.text
    assert large.data[0].customdata[0][1] == "declared"   # hover still names each cell's status
