"""Coverage collector: parsers, detection, dating, idempotence, broken reports, URLs, a real run.

Fixture reports live in ``tests/data/coverage/``; the expected figures below are
counted by hand from those files (see the comments).  The last test runs the
real ``coverage`` tool on a tiny package in a temp dir and checks that every
format imports to the numbers ``coverage report`` printed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from collectors.base import CollectorError, SourceSpec
from collectors.coverage import collect, date_in_path, sha_in_path
from collectors.coverage_formats import ReportError, detect_format, normalise_paths, parse_report
from healthdash.collect import collect as run_collection
from healthdash.collect import configured_sources
from healthdash.settings import load_settings
from healthdash.warehouse import load, reader, writer
from healthdash.warehouse.migrate import migrate, migration_files
from gitrepo import git, make_repo

DATA = Path(__file__).resolve().parent / "data" / "coverage"
UTC = timezone.utc


def parsed(name: str, **kwargs):
    return normalise_paths(parse_report((DATA / name).read_text("utf-8")), **kwargs)


def figures(report):
    return (report.lines_valid, report.lines_covered, report.branches_valid, report.branches_covered)


def per_file(report):
    return {f.path: (f.lines_valid, f.lines_covered, f.branches_valid, f.branches_covered) for f in report.files}


# -- parsers ---------------------------------------------------------------------------------


def test_coverage_py_json_without_branches():
    report = parsed("coverage_py.json")
    # totals: num_statements 4, covered_lines 3; branch_coverage false -> no branch figures
    assert (report.format, report.tool, report.tool_version) == ("coverage-json", "coverage.py", "7.6.1")
    assert figures(report) == (4, 3, None, None)
    assert per_file(report) == {"pkg/mod.py": (4, 3, None, None)}
    assert report.measured_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)   # naive -> UTC by default


def test_coverage_py_json_with_branches_uses_counts_not_percentages():
    report = parsed("coverage_py_branches.json")
    # a.py 10 stmts/8 covered, 6 branches/4 covered; b.py 6/2, 4/1 -> totals 16/10, 10/5
    assert figures(report) == (16, 10, 10, 5)
    assert per_file(report) == {"pkg/a.py": (10, 8, 6, 4), "pkg/b.py": (6, 2, 4, 1)}


def test_cobertura_from_coverage_py():
    report = parsed("cobertura.xml")
    # lines-valid 4, lines-covered 3, branches-valid 0 (branch-rate 0: not measured)
    assert (report.format, report.tool) == ("cobertura-xml", "coverage.py")
    assert figures(report) == (4, 3, None, None)
    assert per_file(report) == {"pkg/mod.py": (4, 3, None, None)}
    assert report.measured_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)   # 1714557600000 ms


def test_cobertura_from_gcovr_with_doctype_and_seconds_timestamp():
    report = parsed("gcovr.xml")
    # parse.c lines 3..8: hits>0 on 3,4,6 -> 6/3; conditions (1/2)+(1/2) -> 4 branches, 2 taken.
    # util.c lines 1,2,3,9: 4/3, no conditions -> 0/0 (the report measures branches).
    assert report.tool == "gcovr"
    assert figures(report) == (10, 6, 4, 2)
    assert per_file(report) == {"src/parse.c": (6, 3, 4, 2), "src/util.c": (4, 3, 0, 0)}
    assert report.measured_at == datetime(2024, 6, 1, 12, 0, tzinfo=UTC)   # 1717243200 s


def test_lcov_merges_records_of_the_same_file_and_strips_prefix():
    report = parsed("example.info", strip_prefix="/src/example")
    # mod.c: DA 3(2) 4(2) 5(0) -> 3/2; BRDA taken 1 and '-' -> 2/1.
    # util.c: two records merged by line: 1(1) 2(0+5) 7(0+0) 8(3) -> 4 lines, 3 covered.
    assert (report.format, report.measured_at) == ("lcov", None)
    assert per_file(report) == {"pkg/mod.c": (3, 2, 2, 1), "pkg/util.c": (4, 3, 0, 0)}
    assert figures(report) == (7, 5, 2, 1)


def test_lcov_absolute_paths_become_relative_to_their_common_folder():
    assert set(per_file(parsed("example.info"))) == {"mod.c", "util.c"}


def test_format_is_detected_from_content_not_name():
    assert detect_format((DATA / "cobertura.xml").read_text()) == "cobertura-xml"
    assert detect_format("\ufeff\n" + (DATA / "coverage_py.json").read_text()) == "coverage-json"
    assert detect_format((DATA / "example.info").read_text()) == "lcov"


@pytest.mark.parametrize("name, message", [
    ("truncated.json", "not valid JSON, truncated or malformed"),
    ("truncated.xml", "not well-formed XML, truncated or malformed"),
    ("truncated.info", "truncated: the record for /src/example/pkg/mod.c has no end_of_record"),
    ("empty.json", "the report is empty"),
    ("bomb.xml", "XML refused for safety"),
    ("notes.txt", "not a coverage report"),
    ("impossible.info", "a.c: 5 covered of 3 lines is impossible"),
])
def test_broken_reports_say_what_is_wrong(name, message):
    with pytest.raises(ReportError, match=re.escape(message)):
        parse_report((DATA / "broken" / name).read_text("utf-8"))


def test_json_that_is_not_a_coverage_report():
    with pytest.raises(ReportError, match="not a coverage.py JSON report"):
        parse_report('{"name": "package.json"}')
    with pytest.raises(ReportError, match="measures no files"):
        parse_report('{"meta": {}, "files": {}, "totals": {"covered_lines": 0, "num_statements": 0}}')


# -- dating helpers --------------------------------------------------------------------------


def test_dates_and_shas_in_paths():
    assert date_in_path("ci/2024-05-01/coverage.info") == datetime(2024, 5, 1, tzinfo=UTC)
    assert date_in_path("runs/20240501T1230/lcov.info") == datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    assert date_in_path("nova-13.0.1/coverage.info") is None
    assert date_in_path("cov-2024-13-45.info") is None                      # not a real date
    sha = "ab" * 20
    assert sha_in_path(f"artifacts/{sha.upper()}/coverage.xml") == sha
    assert date_in_path(f"artifacts/{'2' * 40}/coverage.xml") is None         # digits of a sha, not a date


# -- the collector into a real warehouse -----------------------------------------------------


def _settings(tmp_path: Path, sources: str) -> Path:
    config = tmp_path / "healthdash.toml"
    config.write_text(textwrap.dedent("""
        warehouse = "wh.duckdb"
        [[teams]]
        name = "Compute"
        [[teams.projects]]
        name = "nova"
        repos = ["nova"]
    """) + textwrap.dedent(sources))
    return config


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with reader(warehouse) as con:
        return con.execute(sql).fetchall()


def _artifacts(tmp_path: Path) -> Path:
    """CI artifacts laid out by date, in all three formats, plus broken ones."""
    root = tmp_path / "artifacts"
    for day, name in [("2024-04-01", "coverage_py.json"), ("2024-04-02", "cobertura.xml"),
                      ("2024-04-03", "example.info")]:
        (root / day).mkdir(parents=True)
        shutil.copy(DATA / name, root / day / f"report-{name.rsplit('.', 1)[1]}")
    for name in ("truncated.xml", "empty.json"):
        (root / "2024-04-09").mkdir(exist_ok=True)
        shutil.copy(DATA / "broken" / name, root / "2024-04-09" / name)
    return root


def test_collect_globbed_artifacts_loads_good_reports_and_names_broken_ones(tmp_path):
    _artifacts(tmp_path)
    settings = load_settings(_settings(tmp_path, """
        [[sources]]
        kind = "coverage"
        name = "nova-ci"
        repo = "nova"
        path = "artifacts"
        glob = "*/*"
    """))
    [result] = run_collection(settings, configured_sources(settings))
    # one line per broken file, naming it and what is wrong
    assert result.error.startswith("2 of 5 coverage reports for nova could not be read: ")
    assert "2024-04-09/empty.json: the report is empty" in result.error
    assert "2024-04-09/truncated.xml: not well-formed XML" in result.error
    rows = _rows(settings.warehouse, "SELECT format, time_source, measured_at, lines_valid, lines_covered, "
                                     "branches_valid, files FROM coverage_reports ORDER BY measured_at")
    assert sorted(rows, key=lambda r: (r[2], r[0])) == [
        ("lcov", "path", datetime(2024, 4, 3, tzinfo=UTC), 7, 5, 2, 2),          # no timestamp: its path
        ("cobertura-xml", "report", datetime(2024, 5, 1, 10, 0, tzinfo=UTC), 4, 3, None, 1),
        ("coverage-json", "report", datetime(2024, 5, 1, 10, 0, tzinfo=UTC), 4, 3, None, 1),
    ]
    assert _rows(settings.warehouse, "SELECT count(*) FROM coverage_files") == [(4,)]    # 1 + 1 + 2 files
    assert _rows(settings.warehouse, "SELECT last_error IS NOT NULL, rows_loaded FROM sources") == [(True, 7)]


def test_reimporting_the_same_reports_adds_nothing(tmp_path):
    root = _artifacts(tmp_path)
    shutil.rmtree(root / "2024-04-09")
    settings = load_settings(_settings(tmp_path, """
        [[sources]]
        kind = "coverage"
        repo = "nova"
        path = "artifacts"
        glob = "**/report-*"
    """))
    [first] = run_collection(settings, configured_sources(settings))
    assert first.error is None
    before = _rows(settings.warehouse, "SELECT * EXCLUDE (fetched_at) FROM coverage_reports ORDER BY 1, 2")
    # the same lcov report copied elsewhere, with a newer mtime and a later date in its path
    (root / "2024-04-20").mkdir()
    shutil.copy(root / "2024-04-03" / "report-info", root / "2024-04-20" / "report-info")
    [second] = run_collection(settings, configured_sources(settings))
    assert second.error is None
    after = _rows(settings.warehouse, "SELECT * EXCLUDE (fetched_at) FROM coverage_reports ORDER BY 1, 2")
    assert after == before                                 # same 3 reports, earliest time kept
    assert _rows(settings.warehouse, "SELECT count(*) FROM coverage_files") == [(4,)]


def _spec(location: Path | str, **options) -> SourceSpec:
    return SourceSpec("coverage", "coverage:test", str(location), {"repo": "nova", **options})


def _only_report(spec: SourceSpec, since: str | None = None):
    [batch] = list(collect(spec, since))
    return batch.frames["coverage_reports"].to_dicts()


def test_report_time_from_git_commit_unless_modified(tmp_path):
    repo = make_repo(tmp_path, name="site", commits=[
        {"date": "2024-03-05T08:00:00+01:00", "files": {"cov/lcov.info": (DATA / "example.info").read_text()}}])
    sha = git(repo, "rev-parse", "HEAD").strip()
    [row] = _only_report(_spec(repo / "cov" / "lcov.info"))
    assert (row["time_source"], row["measured_at"], row["commit_sha"]) == (
        "git", datetime(2024, 3, 5, 7, 0, tzinfo=UTC), sha)
    # once edited after the commit, git no longer dates it: the mtime does
    path = repo / "cov" / "lcov.info"
    path.write_text(path.read_text() + "\n")
    os.utime(path, (1717243200, 1717243200))
    [row] = _only_report(_spec(path))
    assert (row["time_source"], row["measured_at"], row["commit_sha"]) == (
        "mtime", datetime(2024, 6, 1, 12, 0, tzinfo=UTC), None)


def test_overrides_time_zone_and_sha(tmp_path):
    [row] = _only_report(_spec(DATA / "coverage_py.json", timezone="Europe/Paris"))
    assert row["measured_at"] == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)     # 10:00 in Paris (CEST)
    [row] = _only_report(_spec(DATA / "coverage_py.json", measured_at="2024-07-01T00:00:00Z",
                               commit_sha="c" * 40))
    assert (row["time_source"], row["measured_at"], row["commit_sha"]) == (
        "config", datetime(2024, 7, 1, tzinfo=UTC), "c" * 40)


@pytest.mark.parametrize("options, message", [
    ({"repo": ""}, "needs 'repo'"),
    ({"glob": "nothing-*.xml"}, "no file matches 'nothing-*.xml'"),
    ({"timezone": "Mars/Olympus"}, "unknown timezone"),
    ({"measured_at": "last tuesday"}, "is not a date-time"),
])
def test_bad_source_configuration_is_one_clear_error(options, message):
    with pytest.raises(CollectorError, match=re.escape(message)):
        list(collect(SourceSpec("coverage", "coverage:x", str(DATA), {"repo": "nova", **options})))


def test_a_directory_without_glob_is_refused():
    with pytest.raises(CollectorError, match="is a directory; add glob"):
        list(collect(_spec(DATA)))


# -- URLs through the shared HTTP client -----------------------------------------------------


def test_published_reports_over_http(httpserver):
    xml = (DATA / "gcovr.xml").read_text()
    lcov = (DATA / "example.info").read_text()
    httpserver.expect_request("/libfoo/coverage.xml").respond_with_data(xml, content_type="application/xml")
    httpserver.expect_request("/libfoo/lcov.info").respond_with_data(
        lcov, content_type="text/plain; charset=utf-8", headers={"Last-Modified": "Sat, 01 Jun 2024 09:00:00 GMT"})
    httpserver.expect_request("/missing.xml").respond_with_data("nope", status=404)

    [row] = _only_report(_spec(httpserver.url_for("/libfoo/coverage.xml")))
    assert (row["tool"], row["lines_valid"], row["lines_covered"], row["branches_valid"]) == ("gcovr", 10, 6, 4)
    batches = list(collect(_spec(httpserver.url_for("/libfoo/lcov.info"))))
    [row] = batches[0].frames["coverage_reports"].to_dicts()
    assert (row["time_source"], row["measured_at"]) == ("http", datetime(2024, 6, 1, 9, 0, tzinfo=UTC))
    # the cursor remembers the report: unchanged on the next run -> nothing to load
    cursor = batches[-1].cursor
    assert cursor.startswith("fp:")
    assert [b.rows() for b in collect(_spec(httpserver.url_for("/libfoo/lcov.info")), cursor)] == [0]
    with pytest.raises(CollectorError, match=r"missing.xml: HTTP 404"):
        list(collect(_spec(httpserver.url_for("/missing.xml"))))


# -- schema ----------------------------------------------------------------------------------


def test_migration_keeps_reports_loaded_before_0006(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)")
    for version, name, sql in migration_files():
        if version < 6:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    con.execute("INSERT INTO coverage_reports (repo, measured_at, tool, lines_valid, lines_covered) "
                "VALUES ('nova', TIMESTAMPTZ '2023-01-01 00:00:00+00', 'lcov', 10, 7)")
    migrate(con)
    assert con.execute("SELECT repo, lines_valid, lines_covered, fingerprint LIKE 'legacy:%' "
                       "FROM coverage_reports").fetchall() == [("nova", 10, 7, True)]
    con.close()


def test_loading_the_same_batch_twice_is_idempotent(tmp_path):
    batch = next(collect(_spec(DATA / "gcovr.xml")))
    with writer(tmp_path / "wh.duckdb") as con:
        load.register_source(con, "coverage:test", "coverage", str(DATA))
        load.load_batch(con, "coverage:test", batch)
        load.load_batch(con, "coverage:test", batch)
        assert con.execute("SELECT count(*) FROM coverage_reports").fetchone() == (1,)
        assert con.execute("SELECT count(*) FROM coverage_files").fetchone() == (2,)


# -- the real run: the coverage tool itself --------------------------------------------------

TINY_MODULE = '''\
def grade(score):
    if score >= 90:
        return "A"
    if score >= 50:
        return "pass"
    return "fail"


def clamp(value, low, high):
    if value < low:
        return low
    if value > high:
        return high
    return value


def unused():
    total = 0
    for i in range(3):
        total += i
    return total
'''

TINY_TESTS = '''\
from tiny import clamp, grade


def test_grade():
    assert grade(95) == "A"
    assert grade(60) == "pass"


def test_clamp():
    assert clamp(5, 0, 10) == 5
    assert clamp(-1, 0, 10) == 0
'''


def _coverage(workdir: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run([sys.executable, "-m", "coverage", *args], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _report_table(text: str) -> dict[str, tuple[int, ...]]:
    """``coverage report`` rows: name -> (Stmts, Miss, Branch, BrPart, Cover%)."""
    rows = {}
    for line in text.splitlines():
        match = re.match(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)%$", line.strip())
        if match:
            rows[match.group(1)] = tuple(int(g) for g in match.groups()[1:])
    return rows


def test_real_coverage_run_imports_to_the_numbers_coverage_report_printed(tmp_path):
    work = tmp_path / "tiny"
    work.mkdir()
    (work / "tiny.py").write_text(TINY_MODULE)
    (work / "test_tiny.py").write_text(TINY_TESTS)
    (work / ".coveragerc").write_text("[run]\nbranch = True\nsource = .\n")
    _coverage(work, "run", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_tiny.py")
    table = _report_table(_coverage(work, "report"))
    for args in (["json", "-o", "out/coverage.json"], ["xml", "-o", "out/coverage.xml"],
                 ["lcov", "-o", "out/coverage.lcov"]):
        _coverage(work, *args)
    stmts, miss, branches, _partial, cover = table["TOTAL"]
    assert stmts > 0 and miss > 0 and branches > 0                 # a real, partial measurement

    warehouse = tmp_path / "wh.duckdb"
    with writer(warehouse) as con:
        for fmt in ("json", "xml", "lcov"):
            spec = SourceSpec("coverage", f"coverage:{fmt}", str(work / "out"),
                              {"repo": "tiny", "glob": f"coverage.{fmt}"})
            load.register_source(con, spec.source_id, "coverage", spec.location)
            for batch in collect(spec):
                load.load_batch(con, spec.source_id, batch)
    totals = _rows(warehouse, "SELECT format, lines_valid, lines_covered, branches_valid, branches_covered "
                              "FROM coverage_reports ORDER BY format")
    assert [t[0] for t in totals] == ["cobertura-xml", "coverage-json", "lcov"]
    for _, lines_valid, lines_covered, branches_valid, branches_covered in totals:
        assert (lines_valid, lines_valid - lines_covered, branches_valid) == (stmts, miss, branches)
        # coverage.py's Cover = (statements hit + branches hit) / (statements + branches), rounded
        combined = 100 * (lines_covered + branches_covered) / (lines_valid + branches_valid)
        assert round(combined) == cover
    files = _rows(warehouse, "SELECT f.path, f.lines_valid, f.lines_covered, f.branches_valid, f.branches_covered "
                             "FROM coverage_files f JOIN coverage_reports r USING (repo, fingerprint) "
                             "WHERE r.format = 'lcov' ORDER BY path")
    assert {path for path, *_ in files} == {"test_tiny.py", "tiny.py"}
    for path, lines_valid, lines_covered, branches_valid, branches_covered in files:
        stmts_f, miss_f, branch_f, _, cover_f = table[path]
        assert (lines_valid, lines_valid - lines_covered, branches_valid) == (stmts_f, miss_f, branch_f)
        assert round(100 * (lines_covered + branches_covered) / (lines_valid + branches_valid)) == cover_f


# -- the demo part ---------------------------------------------------------------------------


def test_demo_coverage_part_collects_in_all_formats_with_a_believable_history(tmp_path):
    from healthdash.demo.build import DemoContext, base_config
    from healthdash.demo.community import generate
    from healthdash.demo.coverage import PUBLISHED_REPO, coverage_part
    from healthdash.demo.server import DemoServer
    from healthdash.demo.toml_writer import dumps

    community = generate(2026)
    demo_dir = tmp_path / "demo"
    with DemoServer() as server:
        ctx = DemoContext(community, demo_dir, server, base_config(community, demo_dir, tmp_path / "demo.duckdb"),
                          scale=0.2)
        coverage_part(ctx)
        (demo_dir / "healthdash.toml").write_text(dumps(ctx.config))
        settings = load_settings(demo_dir / "healthdash.toml")
        results = run_collection(settings, configured_sources(settings))
    assert [r.error for r in results if r.error] == []
    assert any(s.get("url", "").endswith(f"/coverage/{PUBLISHED_REPO}/coverage.xml") for s in ctx.config["sources"])
    with reader(settings.warehouse) as con:
        formats = {r[0] for r in con.execute("SELECT DISTINCT format FROM coverage_reports").fetchall()}
        assert formats == {"coverage-json", "cobertura-xml", "lcov"}
        assert con.execute("SELECT count(*) FROM coverage_reports WHERE origin LIKE 'http%'").fetchone() == (1,)
        # every report's totals are the sum of its files
        assert con.execute("""
            SELECT count(*) FROM coverage_reports r
            JOIN (SELECT repo, fingerprint, sum(lines_valid) AS v, sum(lines_covered) AS c
                  FROM coverage_files GROUP BY ALL) f USING (repo, fingerprint)
            WHERE f.v <> r.lines_valid OR f.c <> r.lines_covered""").fetchone() == (0,)
        first_last = dict(con.execute("""
            SELECT repo, arg_max(lines_covered / lines_valid, measured_at) - arg_min(lines_covered / lines_valid, measured_at)
            FROM coverage_reports GROUP BY repo""").fetchall())
    assert first_last["glacier"] < -0.1                                   # the regressing repo
    assert first_last["nimbus"] > 0.1 and first_last["meshnet-lib"] > 0.1  # improving ones
    assert sum(1 for change in first_last.values() if change > 0) >= 8


def test_every_coverage_setting_is_declared_and_reaches_the_collector(tmp_path):
    (tmp_path / "cov").mkdir()
    shutil.copy(DATA / "example.info", tmp_path / "cov" / "lcov.info")
    settings = load_settings(_settings(tmp_path, """
        [[sources]]
        kind = "coverage"
        name = "nova-lcov"
        repo = "nova"
        path = "cov/lcov.info"
        measured_at = "2024-05-02T09:30:00"
        timezone = "America/New_York"
        commit_sha = "0123456789abcdef0123456789abcdef01234567"
        strip_prefix = "/src/example"
    """))
    [spec] = [s for s in configured_sources(settings) if s.kind == "coverage"]
    assert spec.source_id == "coverage:nova-lcov" and spec.location == str(tmp_path / "cov" / "lcov.info")
    batch = next(collect(spec))
    [row] = batch.frames["coverage_reports"].to_dicts()
    # 09:30 in New York (EDT, UTC-4) is 13:30 UTC
    assert (row["measured_at"], row["time_source"], row["commit_sha"]) == (
        datetime(2024, 5, 2, 13, 30, tzinfo=UTC), "config", "0123456789abcdef0123456789abcdef01234567")
    assert sorted(batch.frames["coverage_files"]["path"].to_list()) == ["pkg/mod.c", "pkg/util.c"]


def test_lcov_skips_newer_record_kinds_and_checksums():
    report = parse_report("TN:\nSF:a.c\nDA:1,1,Xk2c\nMCDC:1,2,t,1,0,x\nDA:2,0\nend_of_record\n")
    assert per_file(report) == {"a.c": (2, 1, None, None)}
    with pytest.raises(ReportError, match=r"line 3: 'hello world' is not an lcov record line"):
        parse_report("TN:\nSF:a.c\nhello world\nend_of_record\n")
