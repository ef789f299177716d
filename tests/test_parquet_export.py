"""export-warehouse: the warehouse as Hive-partitioned Parquet that plain DuckDB reads back unchanged.

Read back with nothing but ``read_parquet('DIR/<table>/**/*.parquet', hive_partitioning = true)``
(minus the ``year`` partition column): every table must have the warehouse's row count,
column names and types, and ``EXCEPT ALL`` must be empty both ways.  Checked on the
demo-shaped generator warehouse (plus rows with unicode, NULLs, lists, pre-1970 and
microsecond timestamps) and on a warehouse collected from the real OpenStack bundles.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import polars as pl
import pytest

from conftest import init_openstack_settings, needs_shared
from healthdash.errors import HealthdashError
from healthdash.warehouse import load, writer
from healthdash.warehouse.parquet_export import export_warehouse
from healthdash.warehouse.parquet_import import import_warehouse
from healthdash.warehouse.parquet_layout import DERIVED_TABLES, MANIFEST, NEVER_EXPORTED, PARTITION_DATES

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
UTC = timezone.utc


def generated_warehouse(path: Path) -> Path:
    """The benchmark generator's demo-shaped warehouse at a tiny scale."""
    spec = importlib.util.spec_from_file_location("generate_warehouse", BENCHMARKS / "generate_warehouse.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_warehouse"] = module
    spec.loader.exec_module(module)
    module.generate(path, scale=0.001, seed=3, log=lambda _line: None)
    return path


EDGE_COMMITS = pl.DataFrame({
    "repo": ["ünïcode-repo", "ünïcode-repo", "ünïcode-repo"],
    "sha": ["e" * 40, "f" * 40, "0" * 40],
    "parents": [["a" * 40, "b" * 40], [], None],
    "is_merge": [True, False, False],
    "author_identity": ["git:zoe", "git:zoe", "git:kabushiki"],
    "author_name": ["Zoë Ŝtraße", None, "株式会社 テスト"],
    "author_date": [datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
                    datetime(2038, 1, 19, 3, 14, 8, 1, tzinfo=UTC), datetime(2024, 2, 29, 0, 0, tzinfo=UTC)],
    "author_tz_minutes": [-330, None, 540],
    "committer_identity": ["git:zoe"] * 3,
    "commit_date": [datetime(1970, 1, 1, tzinfo=UTC)] * 3,
    "subject": ["emoji ✓ 🚀, quote ' and \"", "", None],
    "co_authors": [["Ann <ann@x.org>", None], [], None],
    "files": [None, 0, 3], "added": [None, 0, 10], "removed": [None, 0, 2],
}, schema_overrides={"author_tz_minutes": pl.Int16, "files": pl.Int32, "added": pl.Int32, "removed": pl.Int32})


def add_edge_rows(path: Path) -> None:
    with writer(path) as con:
        load.upsert(con, "commits", EDGE_COMMITS)
        load.upsert(con, "changes", pl.DataFrame({   # no created date: the NULL-year partition
            "source": ["gerrit"], "change_key": ["edge"], "subject": ["Änderung"], "is_draft": [None]},
            schema={"source": pl.String, "change_key": pl.String, "subject": pl.String, "is_draft": pl.Boolean}))
        load.upsert(con, "advisories", pl.DataFrame({
            "advisory_id": ["OSSA-EDGE"], "published": [None], "projects": [["nova", "ñova"]], "cves": [[]]},
            schema={"advisory_id": pl.String, "published": pl.Date, "projects": pl.List(pl.String),
                    "cves": pl.List(pl.String)}))
        load.upsert(con, "sources", pl.DataFrame({   # credentials in a URL: masked on the way out
            "source_id": ["gerrit:edge"], "kind": ["gerrit"],
            "location": ["https://bot:s3cretPassw0rd@review.example/?access_token=abcdef123456"]}))


def read_back_differences(warehouse: Path, out: Path, tables: list[str]) -> dict[str, str]:
    """Per table, how the plain read-back differs from the warehouse table ({} when identical)."""
    problems = {}
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"ATTACH '{warehouse}' AS wh (READ_ONLY)")
    for table in tables:
        files = f"read_parquet('{out}/{table}/**/*.parquet', hive_partitioning = true)"
        back = f"(SELECT * EXCLUDE (year) FROM {files})" if table in PARTITION_DATES else files
        orig = f'wh.main."{table}"'
        want = [tuple(r[:2]) for r in con.execute(f"DESCRIBE {orig}").fetchall()]
        got = [tuple(r[:2]) for r in con.execute(f"DESCRIBE SELECT * FROM {back}").fetchall()]
        if want != got:
            problems[table] = f"columns {got} != {want}"
            continue
        counts = con.execute(f"SELECT (SELECT count(*) FROM {orig}), (SELECT count(*) FROM {back})").fetchone()
        missing = con.execute(f"SELECT count(*) FROM (SELECT * FROM {orig} EXCEPT ALL SELECT * FROM {back})"
                              ).fetchone()[0]
        extra = con.execute(f"SELECT count(*) FROM (SELECT * FROM {back} EXCEPT ALL SELECT * FROM {orig})"
                            ).fetchone()[0]
        if counts[0] != counts[1] or missing or extra:
            problems[table] = f"rows {counts}, {missing} missing, {extra} extra"
    con.close()
    return problems


@pytest.fixture(scope="module")
def demo_like(tmp_path_factory):
    root = tmp_path_factory.mktemp("pq-demo")
    path = generated_warehouse(root / "w.duckdb")
    add_edge_rows(path)
    result = export_warehouse(path, root / "export")
    return path, root / "export", result


def test_every_table_reads_back_unchanged_with_plain_duckdb(demo_like):
    path, out, result = demo_like
    tables = list(result.manifest["tables"])
    assert {"commits", "changes", "review_votes", "bugs", "coverage_reports", "contribution_facts",
            "people", "affiliations"} <= set(tables)
    assert "raw_items" not in tables and "schema_migrations" not in tables
    differences = read_back_differences(path, out, [t for t in tables if t != "sources"])
    assert differences == {}
    # the fixture really holds the shapes the check is meant to cover
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rows = con.execute(f"SELECT author_name, author_date, co_authors, parents, files FROM "
                       f"read_parquet('{out}/commits/**/*.parquet', hive_partitioning = true) "
                       "WHERE repo = 'ünïcode-repo' ORDER BY author_date").fetchall()
    assert rows[0] == ("Zoë Ŝtraße", datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
                       ["Ann <ann@x.org>", None], ["a" * 40, "b" * 40], None)
    assert rows[2][:3] == (None, datetime(2038, 1, 19, 3, 14, 8, 1, tzinfo=UTC), [])


def test_a_second_parquet_engine_reads_the_same_rows(demo_like):
    """Apache Arrow's own Hive dataset reader (what Spark-style engines do: discover year=... folders,
    skip files starting with '_') gives the same commits, types and NULL-year rows as the warehouse."""
    import pyarrow.dataset as ds

    path, out, _ = demo_like
    commits = ds.dataset(out / "commits", format="parquet", partitioning="hive").to_table()
    changes = ds.dataset(out / "changes", format="parquet", partitioning="hive").to_table()
    assert str(commits.schema.field("author_date").type) == "timestamp[us, tz=UTC]"
    assert str(commits.schema.field("co_authors").type) == "list<element: string>"
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        assert commits.num_rows == con.execute("SELECT count(*) FROM commits").fetchone()[0]
        assert sorted(commits.column("sha").to_pylist()) == [r[0] for r in con.execute(
            "SELECT sha FROM commits ORDER BY sha").fetchall()]
        in_1969 = [r[0] for r in con.execute("SELECT sha FROM commits WHERE year(author_date) = 1969").fetchall()]
    years = dict(zip(commits.column("sha").to_pylist(), commits.column("year").to_pylist()))
    assert in_1969 == ["e" * 40] and years["e" * 40] == 1969
    edge = changes.filter(ds.field("change_key") == "edge").to_pylist()
    assert len(edge) == 1 and edge[0]["year"] is None and edge[0]["created"] is None


def test_sources_read_back_unchanged_except_credentials_masked(demo_like):
    path, out, _ = demo_like
    con = duckdb.connect()
    con.execute(f"ATTACH '{path}' AS wh (READ_ONLY)")
    back = f"read_parquet('{out}/sources/*.parquet')"
    assert con.execute(f"SELECT count(*) FROM (SELECT * EXCLUDE (location) FROM wh.sources "
                       f"EXCEPT ALL SELECT * EXCLUDE (location) FROM {back})").fetchone()[0] == 0
    location = con.execute(f"SELECT location FROM {back} WHERE source_id = 'gerrit:edge'").fetchone()[0]
    assert location == "https://***@review.example/?access_token=***"
    assert "sources" in read_back_differences(path, out, ["sources"])   # the check sees a changed cell
    for file in out.rglob("*.parquet"):
        assert b"s3cretPassw0rd" not in file.read_bytes() and b"abcdef123456" not in file.read_bytes()


def test_dated_tables_are_split_by_utc_year_of_their_chosen_column(demo_like):
    path, out, result = demo_like
    assert result.manifest["tables"]["commits"]["partitioned_by"] == "author_date"
    years = sorted(p.name for p in (out / "commits").iterdir())
    # 1969-12-31T23:59:59.999999Z is 1969 in UTC, 2038 is the far edge; the generator spans ten years
    assert years[0] == "year=1969" and "year=2038" in years and len(years) >= 12
    assert (out / "changes" / "year=__HIVE_DEFAULT_PARTITION__").is_dir()       # the change without a date
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"ATTACH '{path}' AS wh (READ_ONLY)")
    mismatched = con.execute(f"SELECT count(*) FROM read_parquet('{out}/review_votes/**/*.parquet', "
                             "hive_partitioning = true) WHERE year <> year(voted_at)").fetchone()[0]
    assert mismatched == 0
    per_year = con.execute(f"SELECT year, count(*) FROM read_parquet('{out}/bugs/**/*.parquet', "
                           "hive_partitioning = true) GROUP BY 1 ORDER BY 1").fetchall()
    assert per_year == con.execute("SELECT year(created), count(*) FROM wh.bugs GROUP BY 1 ORDER BY 1").fetchall()
    assert [p.name for p in (out / "teams").iterdir()] == ["data_0.parquet"]          # undated: one file


def test_manifest_describes_every_table(demo_like):
    path, out, result = demo_like
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest == result.manifest
    assert manifest["shard"] == "data" and manifest["include_private"] is False
    with duckdb.connect(str(path), read_only=True) as con:
        assert manifest["schema_version"] == con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        commits = manifest["tables"]["commits"]
        assert commits["rows"] == con.execute("SELECT count(*) FROM commits").fetchone()[0]
        assert commits["columns"][7] == {"name": "author_date", "type": "TIMESTAMP WITH TIME ZONE"}
        assert manifest["tables"]["contribution_facts"]["derived"] is True
        assert manifest["tables"]["commits"]["derived"] is False


def test_refuses_a_non_empty_folder_and_replaces_only_an_export(demo_like, tmp_path):
    path, _, _ = demo_like
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(HealthdashError, match=f"{target} is not empty"):
        export_warehouse(path, target)
    with pytest.raises(HealthdashError, match="holds no healthdash export"):
        export_warehouse(path, target, overwrite=True)
    assert (target / "notes.txt").read_text() == "mine"
    (target / "notes.txt").unlink()
    export_warehouse(path, target, shard="m1")
    assert (target / "_healthdash.m1.json").exists()
    export_warehouse(path, target, overwrite=True)
    assert sorted(p.name for p in target.glob("_healthdash*")) == [MANIFEST]
    assert not list(target.rglob("m1_*.parquet"))


def test_a_failed_export_leaves_nothing_behind(demo_like, tmp_path):
    path, _, _ = demo_like
    seen = []

    def crash(table, rows):
        seen.append(table)
        if table == "commits":
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        export_warehouse(path, tmp_path / "out", on_table=crash)
    assert "commits" in seen and list(tmp_path.iterdir()) == []


def test_shard_names_are_checked(demo_like, tmp_path):
    with pytest.raises(HealthdashError, match="shard name '../x'"):
        export_warehouse(demo_like[0], tmp_path / "out", shard="../x")


def test_cli_exports_with_a_progress_bar_and_one_line_errors(demo_like, tmp_path):
    path, _, _ = demo_like
    out = tmp_path / "cli"
    run = subprocess.run([sys.executable, "-m", "healthdash.cli", "export-warehouse", "--parquet", str(out),
                          "--warehouse", str(path), "--shard", "host-a"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "tables" in run.stderr and f"to {out} (shard host-a)" in " ".join(run.stderr.split())
    assert (out / "_healthdash.host-a.json").exists() and list(out.glob("commits/year=*/host-a_0.parquet"))
    again = subprocess.run([sys.executable, "-m", "healthdash.cli", "export-warehouse", "--parquet", str(out),
                            "--warehouse", str(path)], capture_output=True, text=True)
    assert again.returncode == 1
    assert again.stderr.strip() == f"export failed: {out} is not empty; pass --overwrite to replace the export in it"


@needs_shared
def test_a_warehouse_collected_from_real_bundles_reads_back_unchanged(real_shards, tmp_path):
    both = real_shards["both"]
    result = export_warehouse(both, tmp_path / "export")
    assert result.manifest["tables"]["commits"]["rows"] > 1000
    assert read_back_differences(both, tmp_path / "export", list(result.manifest["tables"])) == {}


@pytest.fixture(scope="module")
def real_shards(tmp_path_factory, openstack_clones):
    """Three warehouses from one configuration of the two real bundles: each repository alone, and both."""
    from dataclasses import replace

    from healthdash.collect import collect, configured_sources
    from healthdash.settings import load_settings

    root = tmp_path_factory.mktemp("pq-real")
    config = init_openstack_settings(root / "healthdash.toml", openstack_clones)
    settings = load_settings(config)
    specs = configured_sources(settings)
    assert len(specs) == 2, [s.source_id for s in specs]
    paths = {}
    for name, chosen in (("a", specs[:1]), ("b", specs[1:]), ("both", specs)):
        own = replace(settings, warehouse=root / name / "w.duckdb")
        results = collect(own, chosen)
        assert not [r.error for r in results if r.error], results
        paths[name] = own.warehouse
    paths["sources"] = [s.source_id for s in specs]
    paths["clones"] = openstack_clones
    return paths


# --- import-warehouse: shards from several machines -> one warehouse ------------------------------

def test_importing_an_export_rebuilds_the_same_warehouse(demo_like, tmp_path):
    path, out, result = demo_like
    target = tmp_path / "imported.duckdb"
    read = import_warehouse(target, [out])
    assert read["commits"] == result.manifest["tables"]["commits"]["rows"]
    assert "contribution_facts" not in read and "people" not in read          # rebuilt, not read
    tables = [t for t in result.manifest["tables"] if t != "sources"]
    assert read_back_differences_between(path, target, tables) == {}
    import_warehouse(target, [out])                                             # again: nothing changes
    assert read_back_differences_between(path, target, tables) == {}


def read_back_differences_between(left: Path, right: Path, tables: list[str],
                                  ignore: tuple[str, ...] = ()) -> dict[str, str]:
    """Per table, how two warehouses differ (row counts and EXCEPT ALL both ways), ``ignore``d columns aside."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{left}' AS l (READ_ONLY)")
    con.execute(f"ATTACH '{right}' AS r (READ_ONLY)")
    problems = {}
    for table in tables:
        columns = [c for (c, *_r) in con.execute(f'DESCRIBE l.main."{table}"').fetchall() if c not in ignore]
        names = ", ".join(f'"{c}"' for c in columns)
        one, two = f'(SELECT {names} FROM l.main."{table}")', f'(SELECT {names} FROM r.main."{table}")'
        counts = con.execute(f"SELECT (SELECT count(*) FROM {one}), (SELECT count(*) FROM {two})").fetchone()
        missing = con.execute(f"SELECT count(*) FROM (FROM {one} EXCEPT ALL FROM {two})").fetchone()[0]
        extra = con.execute(f"SELECT count(*) FROM (FROM {two} EXCEPT ALL FROM {one})").fetchone()[0]
        if counts[0] != counts[1] or missing or extra:
            problems[table] = f"rows {counts}, {missing} missing, {extra} extra"
    con.close()
    return problems


def test_import_refuses_a_folder_without_an_export(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(HealthdashError, match="holds no healthdash export"):
        import_warehouse(tmp_path / "w.duckdb", [tmp_path / "empty"])
    assert not (tmp_path / "w.duckdb").exists()


@needs_shared
def test_shards_of_two_machines_import_to_the_numbers_of_one_warehouse(real_shards, tmp_path):
    tree = tmp_path / "tree"              # machine A and machine B copy their exports into one folder
    for name, shard in (("a", "machine-a"), ("b", "machine-b")):
        export_warehouse(real_shards[name], tmp_path / name, shard=shard)
        shutil.copytree(tmp_path / name, tree, dirs_exist_ok=True)
    assert sorted(p.name for p in tree.glob("_healthdash*.json")) == ["_healthdash.machine-a.json",
                                                                      "_healthdash.machine-b.json"]
    central = tmp_path / "central.duckdb"
    run = subprocess.run([sys.executable, "-m", "healthdash.cli", "import-warehouse", "--parquet", str(tree),
                          "--warehouse", str(central)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "people, affiliations and contribution facts rebuilt" in " ".join(run.stderr.split())
    both = real_shards["both"]
    same = ["contribution_facts", "people", "identity_person", "affiliations", "commits", "commit_files",
            "identities", "change_owner_orgs", "repo_content", "dependencies", "code_windows", "duplicate_blocks"]
    # fetched_at: the three warehouses were collected at different moments
    assert read_back_differences_between(both, central, same, ignore=("fetched_at",)) == {}
    with duckdb.connect(str(central), read_only=True) as con:
        orgs = con.execute("SELECT org, count(*) FROM contribution_facts WHERE kind = 'commit' AND NOT is_bot "
                           "GROUP BY org ORDER BY 2 DESC, 1").fetchall()
        per_repo = dict(con.execute("SELECT repo, count(*) FROM contribution_facts WHERE kind = 'commit' "
                                    "GROUP BY repo").fetchall())
    with duckdb.connect(str(both), read_only=True) as con:
        assert orgs == con.execute("SELECT org, count(*) FROM contribution_facts WHERE kind = 'commit' AND NOT "
                                   "is_bot GROUP BY org ORDER BY 2 DESC, 1").fetchall()
    assert len(orgs) > 5
    # independent of healthdash: git's own count of non-merge commits in each real history
    for repo, clone in real_shards["clones"].items():
        count = subprocess.run(["git", "-C", str(clone), "rev-list", "--no-merges", "--count", "HEAD"],
                               capture_output=True, text=True, check=True).stdout
        assert per_repo[f"openstack/{repo}"] == int(count), repo
    # the merged tree is one dataset for any Parquet reader too
    with duckdb.connect() as con:
        assert con.execute(f"SELECT count(*) FROM read_parquet('{tree}/commits/**/*.parquet', "
                           "hive_partitioning = true)").fetchone()[0] == sum(per_repo.values()) + con.execute(
            f"SELECT count(*) FILTER (WHERE is_merge) FROM read_parquet('{tree}/commits/**/*.parquet')").fetchone()[0]


@needs_shared
def test_a_source_in_two_shards_is_refused(real_shards, tmp_path):
    export_warehouse(real_shards["a"], tmp_path / "x", shard="x")
    export_warehouse(real_shards["both"], tmp_path / "y", shard="y")
    target = tmp_path / "central.duckdb"
    with pytest.raises(HealthdashError, match=f"source '{real_shards['sources'][0]}' is in two shards, x "):
        import_warehouse(target, [tmp_path / "x", tmp_path / "y"])
    assert not target.exists()


def test_the_parquet_benchmark_runs_at_a_tiny_scale(demo_like, tmp_path, capsys):
    """benchmarks/bench_parquet.py (not part of the test run at full scale) must not rot."""
    spec = importlib.util.spec_from_file_location("bench_parquet", BENCHMARKS / "bench_parquet.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.run(demo_like[0], tmp_path / "bench", runs=1)
    printed = capsys.readouterr().out
    assert printed.count("ratio") == 4 and "1,053 commits" in printed


def test_every_table_import_cannot_upsert_is_derived(empty_warehouse):
    """A table without a natural key can only be rebuilt, never imported: it must be in DERIVED_TABLES."""
    with duckdb.connect(str(empty_warehouse), read_only=True) as con:
        keyed = {r[0] for r in con.execute("SELECT table_name FROM duckdb_constraints() "
                                           "WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_type = 'BASE TABLE'").fetchall()}
    assert tables - keyed - NEVER_EXPORTED <= DERIVED_TABLES
    assert {"contribution_facts", "people", "affiliations"} <= DERIVED_TABLES


def test_an_older_warehouse_exports_as_it_is_and_a_newer_one_is_refused(empty_warehouse, tmp_path):
    old, new = tmp_path / "old.duckdb", tmp_path / "new.duckdb"
    for path, change in ((old, "DELETE FROM schema_migrations WHERE version = (SELECT max(version) "
                                "FROM schema_migrations)"),
                         (new, "INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future.sql')")):
        shutil.copyfile(empty_warehouse, path)
        with duckdb.connect(str(path)) as con:
            con.execute(change)
    result = export_warehouse(old, tmp_path / "old-out")
    with duckdb.connect(str(empty_warehouse), read_only=True) as con:   # numbers may skip one reserved
        versions = [row[0] for row in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    assert result.manifest["schema_version"] == versions[-2]
    with pytest.raises(HealthdashError, match=f"{new} has schema version 9999, newer than this healthdash"):
        export_warehouse(new, tmp_path / "new-out")
    assert not (tmp_path / "new-out").exists()


def test_a_damaged_shard_is_refused_in_one_line_and_the_warehouse_kept(demo_like, tmp_path):
    path, out, _ = demo_like
    copy = tmp_path / "export"
    shutil.copytree(out, copy)
    damaged = next((copy / "review_votes").rglob("*.parquet"))
    damaged.write_bytes(damaged.read_bytes()[:200])
    target = tmp_path / "w.duckdb"
    shutil.copyfile(path, target)
    before = target.read_bytes()
    with pytest.raises(HealthdashError) as caught:
        import_warehouse(target, [copy])
    assert caught.value.one_line().startswith("import failed: review_votes: ") and "\n" not in caught.value.message
    assert target.read_bytes() == before
