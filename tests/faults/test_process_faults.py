"""Process faults: SIGKILL and SIGTERM mid-collection, two collections at once, one failing source.

The real ``healthdash collect`` runs in a subprocess against a real git
repository and the local fault server; the server holds one Launchpad page
until the test has killed, terminated or raced the process, so "mid-batch" is
exact, not a timing guess.  Every case ends with the warehouse byte-for-byte as
it was (interrupted runs) or with its tables equal, row by row, to a clean run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from gitrepo import make_repo
from healthdash.collect import collect, configured_sources
from healthdash.settings import load_settings
from healthdash.warehouse.store import stale_staging
from real_api import PROJECT, Fault, FaultServer
from warehouse_dump import differences, dump

CLI = [sys.executable, "-m", "healthdash.cli"]
FAST = 'retries = 2\nbackoff_base = 0.005\nbackoff_cap = 0.01\ntimeout = 5.0\npage_size = 2\n'


def write_settings(folder, url: str, repo, *, bad_github: bool = False):
    config = folder / "healthdash.toml"
    config.write_text(f"""
warehouse = "w.duckdb"
[[teams]]
name = "T"
projects = [{{ name = "p", repos = ["r"] }}]
[repos.r]
path = "{repo}"

[[sources]]
kind = "gerrit"
name = "review"
url = "{url}/gerrit"
projects = ["{PROJECT}"]
{FAST}
[[sources]]
kind = "github"
name = "gh"
url = "{url}/github"
repos = ["{'o/missing' if bad_github else 'o/r'}"]
{FAST}
[[sources]]
kind = "launchpad"
name = "bugs"
url = "{url}/launchpad"
projects = ["example"]
{FAST}""")
    return config


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("repo"), [
        {"author": "Ada <ada@vendor-a.example>", "date": "2024-03-01T10:00:00Z", "files": {"a.py": "a\n"}},
        {"author": "Bo <bo@vendor-b.example>", "date": "2024-03-02T10:00:00Z", "files": {"b.py": "b\n"}}])


@pytest.fixture(scope="module")
def clean(tmp_path_factory, repo):
    folder = tmp_path_factory.mktemp("clean")
    with FaultServer() as server:
        settings = load_settings(write_settings(folder, server.url, repo))
        results = collect(settings, configured_sources(settings))
    assert not any(r.error for r in results), results
    return dump(folder / "w.duckdb")


def _start(config):
    return subprocess.Popen([*CLI, "collect", "--config", str(config)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=config.parent)


def _collect(config):
    return subprocess.run([*CLI, "collect", "--config", str(config)], capture_output=True, text=True,
                          cwd=config.parent, timeout=120)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_mid_batch_leaves_the_warehouse_as_it_was_and_the_rerun_completes(tmp_path, repo, clean, signum):
    with FaultServer() as server:
        config = write_settings(tmp_path, server.url, repo)
        assert subprocess.run([*CLI, "collect", "git", "--config", str(config)], capture_output=True,
                              cwd=tmp_path).returncode == 0
        live = tmp_path / "w.duckdb"
        before = live.read_bytes()
        server.faults = [Fault("block", "/launchpad/example", nth=1)]  # Gerrit and GitHub done, Launchpad page 2
        process = _start(config)
        assert server.blocked.wait(60), "the collection never reached the held page"
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
        server.released.set()
        assert live.read_bytes() == before                       # the live warehouse never saw the half run
        staging = tmp_path / "w.duckdb.staging"
        if signum == signal.SIGKILL:
            assert process.returncode == -signal.SIGKILL and staging.exists()
            assert stale_staging(live) == staging               # `healthdash status` reports it
            status = subprocess.run([*CLI, "status", "--config", str(config)], capture_output=True, text=True)
            assert "left by an interrupted collection" in status.stdout
        else:
            assert process.returncode == 128 + signal.SIGTERM and "Traceback" not in stderr
            assert not staging.exists() and not (tmp_path / "w.duckdb.staging.wal").exists()
        server.faults = []
        rerun = _collect(config)
        assert rerun.returncode == 0, rerun.stderr
    assert not staging.exists()
    assert differences(dump(live), clean) == []


def test_a_second_collection_is_refused_while_the_first_finishes(tmp_path, repo, clean):
    with FaultServer() as server:
        config = write_settings(tmp_path, server.url, repo)
        server.faults = [Fault("block", "/launchpad/example", nth=1)]
        first = _start(config)
        assert server.blocked.wait(60)
        second = _collect(config)
        assert second.returncode == 1 and "warehouse is busy" in second.stderr
        assert "Traceback" not in second.stderr
        assert second.stderr.strip().splitlines()[-1].startswith("warehouse is busy:")  # one line, after the bar
        server.released.set()
        _, stderr = first.communicate(timeout=120)
        assert first.returncode == 0, stderr
    assert differences(dump(tmp_path / "w.duckdb"), clean) == []


def test_one_failing_source_among_several_keeps_the_others(tmp_path, tmp_path_factory, repo):
    with FaultServer() as server:
        config = write_settings(tmp_path, server.url, repo, bad_github=True)
        run = _collect(config)
        assert run.returncode == 1 and "github:gh" in run.stderr and "HTTP 404" in run.stderr
        # the clean run of the same community without the broken source
        other = tmp_path_factory.mktemp("without-github")
        settings = load_settings(write_settings(other, server.url, repo))
        specs = [s for s in configured_sources(settings) if s.kind != "github"]
        assert not any(r.error for r in collect(settings, specs))
    assert differences(dump(tmp_path / "w.duckdb"), dump(other / "w.duckdb")) == []
