"""A collection with nothing new leaves the warehouse file untouched, yet reports every source up to date."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from gitrepo import add_commits, head, make_repo
from healthdash.collect import collect, configured_sources
from healthdash.collect_noop import last_checked
from healthdash.settings import load_settings

CLI = [sys.executable, "-m", "healthdash.cli"]


def _community(tmp_path: Path, domains: str = "") -> Path:
    repos = {name: make_repo(tmp_path, [{"author": f"Dev <dev@{name}.example>", "date": "2024-01-02T10:00:00Z",
                                         "files": {f"{name}.txt": "x\n"}}], name=name)
             for name in ("nova", "swift", "cinder")}
    config = tmp_path / "healthdash.toml"
    config.write_text('warehouse = "w.duckdb"\n[[teams]]\nname = "T"\n'
                      'projects = [{ name = "p", repos = ["nova", "swift", "cinder"] }]\n'
                      + "".join(f'[repos.{name}]\npath = "{path}"\n' for name, path in repos.items())
                      + (f"[domains]\n{domains}" if domains else ""))
    return config


def _run(config: Path):
    settings = load_settings(config)
    return collect(settings, configured_sources(settings))


def _state(path: Path) -> tuple[int, bytes]:
    return path.stat().st_mtime_ns, path.read_bytes()


def _query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_nothing_new_leaves_the_file_untouched_and_reports_every_source_up_to_date(tmp_path):
    config = _community(tmp_path)
    warehouse = tmp_path / "w.duckdb"
    assert not any(r.error for r in _run(config))
    before = _state(warehouse)
    results = _run(config)
    assert [(r.source_id, r.error, r.rows) for r in results] == [
        ("git:nova", None, 0), ("git:swift", None, 0), ("git:cinder", None, 0)]
    assert _state(warehouse) == before                   # not rewritten: same bytes, same mtime
    assert not warehouse.with_name("w.duckdb.staging").exists()
    when, heads = last_checked(warehouse)
    assert heads == {f"git:{name}": head(tmp_path / name) for name in ("nova", "swift", "cinder")}
    # the CLI says so, and status shows when it was last checked
    out = subprocess.run([*CLI, "collect", "--config", str(config)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "every source up to date" in out.stderr and "not rewritten" in out.stderr
    assert _state(warehouse) == before
    status = subprocess.run([*CLI, "status", "--config", str(config)], capture_output=True, text=True)
    assert "3 ok, 0 failed" in status.stdout
    assert "last checked" in status.stdout and "up to date" in status.stdout


def test_a_new_commit_a_changed_setting_or_a_failed_source_makes_a_real_run(tmp_path):
    config = _community(tmp_path)
    warehouse = tmp_path / "w.duckdb"
    _run(config)
    # a new commit in one repository: loaded
    add_commits(tmp_path / "swift", [{"author": "Ann <ann@vendor-a.example>", "date": "2024-02-01T10:00:00Z",
                                      "files": {"b.txt": "b\n"}}])
    before = _state(warehouse)
    _run(config)
    assert _state(warehouse) != before
    assert _query(warehouse, "SELECT count(*) FROM commits WHERE repo = 'swift'") == [(2,)]
    # a changed setting (a domain mapping): the reference tables are synced again
    config.write_text(config.read_text() + '[domains]\n"vendor-a.example" = "Vendor A"\n')
    _run(config)
    assert ("vendor-a.example", "Vendor A") in _query(warehouse, "SELECT domain, org FROM org_domains")
    before = _state(warehouse)
    _run(config)
    assert _state(warehouse) == before                   # and then nothing to do again
    # a repository that cannot be read: a real run records the failure ...
    (tmp_path / "cinder").rename(tmp_path / "cinder-away")
    assert [r.source_id for r in _run(config) if r.error] == ["git:cinder"]
    (tmp_path / "cinder-away").rename(tmp_path / "cinder")
    # ... and the next run, although the head is unchanged, clears it by running for real
    before = _state(warehouse)
    assert not any(r.error for r in _run(config))
    assert _state(warehouse) != before
    assert _query(warehouse, "SELECT count(*) FROM sources WHERE last_error IS NOT NULL") == [(0,)]


def test_a_changed_affiliation_file_is_read_again(tmp_path):
    config = _community(tmp_path)
    sponsors = tmp_path / "sponsors.csv"
    sponsors.write_text("email,org,start,end\ndev@nova.example,Vendor N,2020-01-01,\n")
    config.write_text(config.read_text() + '[affiliations]\nfiles = ["sponsors.csv"]\n')
    warehouse = tmp_path / "w.duckdb"
    _run(config)
    before = _state(warehouse)
    _run(config)
    assert _state(warehouse) == before
    sponsors.write_text("email,org,start,end\ndev@nova.example,Vendor M,2020-01-01,\n")
    os.utime(sponsors, ns=(sponsors.stat().st_atime_ns, sponsors.stat().st_mtime_ns + 1_000_000_000))
    _run(config)
    assert _state(warehouse) != before
