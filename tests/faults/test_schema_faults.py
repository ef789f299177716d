"""Schema faults: an older warehouse is upgraded in place; a newer or corrupt one is refused untouched."""

from __future__ import annotations

import duckdb
import pytest

from gitrepo import make_repo
from healthdash.collect import collect, git_source
from healthdash.errors import WarehouseError
from healthdash.settings import Settings
from healthdash.warehouse.migrate import latest_version, migration_files
from warehouse_dump import differences, dump

OLD_VERSION = 8  # a warehouse written before raw payloads, latest-coverage macros, source runs ...


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("repo"), [
        {"author": "Ada <ada@vendor-a.example>", "date": "2024-03-01T10:00:00Z", "files": {"a.py": "a\n"}},
        {"author": "Bo <bo@vendor-b.example>", "date": "2024-03-02T10:00:00Z", "files": {"b.py": "b\n"}}])


def _collect(path, repo):
    return collect(Settings(path=None, warehouse=path), [git_source("r", str(repo))])


def test_an_older_schema_is_upgraded_in_place_and_ends_equal_to_a_clean_run(tmp_path, repo):
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)")
    for version, name, sql in migration_files():
        if version <= OLD_VERSION:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    con.close()
    assert not any(r.error for r in _collect(old, repo))
    assert not any(r.error for r in _collect(tmp_path / "clean.duckdb", repo))
    con = duckdb.connect(str(old), read_only=True)
    versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
    con.close()
    assert versions == [v for v, _, _ in migration_files()] and versions[-1] == latest_version()
    assert differences(dump(old), dump(tmp_path / "clean.duckdb")) == []


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path, repo):
    path = tmp_path / "w.duckdb"
    assert not any(r.error for r in _collect(path, repo))
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_from_the_future.sql')")
    con.close()
    before = path.read_bytes()
    with pytest.raises(WarehouseError) as err:
        _collect(path, repo)
    assert "newer than this healthdash knows" in err.value.one_line() and "\n" not in err.value.one_line()
    assert path.read_bytes() == before and not (tmp_path / "w.duckdb.staging").exists()


def test_a_corrupt_file_is_refused_and_left_untouched(tmp_path, repo):
    path = tmp_path / "w.duckdb"
    path.write_bytes(b"DUCK" + bytes(range(256)) * 64)
    before = path.read_bytes()
    with pytest.raises(WarehouseError) as err:
        _collect(path, repo)
    assert str(path) in err.value.one_line() and "\n" not in err.value.one_line()
    assert path.read_bytes() == before and not (tmp_path / "w.duckdb.staging").exists()
