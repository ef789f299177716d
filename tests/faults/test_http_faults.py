"""HTTP faults survived, nothing lost: every case ends with tables EQUAL to a clean run's, row by row.

Gerrit, GitHub and Launchpad pages shaped like the real services (tests/real_api.py)
are served by a real local server that injects one planned fault per case.
Transient faults are retried within the run; faults a retry cannot fix (a
wrong-shape body, a page repeating the previous one) fail that source in one
line and the rerun completes it.  Retries use millisecond backoffs (source
options), so the whole module runs in seconds.
"""

from __future__ import annotations

import pytest

from collectors.base import SourceSpec
from healthdash.collect import collect
from healthdash.settings import Settings
from real_api import PROJECT, Fault, FaultServer
from warehouse_dump import differences, dump

FAST = {"retries": 3, "backoff_base": 0.005, "backoff_cap": 0.01, "timeout": 0.5, "page_size": 2}


def specs(url: str) -> list[SourceSpec]:
    return [SourceSpec("gerrit", "gerrit:review", f"{url}/gerrit", {"projects": [PROJECT], **FAST}),
            SourceSpec("github", "github:gh", f"{url}/github", {"repos": ["o/r"], **FAST}),
            SourceSpec("launchpad", "launchpad:bugs", f"{url}/launchpad", {"projects": ["example"], **FAST})]


def run(path, faults=()):
    with FaultServer() as server:
        server.faults = list(faults)
        results = collect(Settings(path=None, warehouse=path), specs(server.url))
        assert all(f.used for f in server.faults), "a planned fault was never served"
        return {r.source_id: r.error for r in results}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    path = tmp_path_factory.mktemp("clean") / "w.duckdb"
    errors = run(path)
    assert not any(errors.values()), errors
    contents = dump(path)
    assert len(contents["changes"]) == 10 and len(contents["bugs"]) == 5  # 5 changes + 5 pull requests
    return contents


TRANSIENT = {
    "429 with Retry-After": Fault("status", "/gerrit/changes", nth=1, status=429, headers={"Retry-After": "0"}),
    "429 without Retry-After": Fault("status", "/github/repos/o/r/pulls", exact=True, status=429),
    "500": Fault("status", "/launchpad/example", nth=1, status=500),
    "502": Fault("status", "/launchpad/bugs/", nth=2, status=502, body="<html>Bad Gateway</html>"),
    "503": Fault("status", "/github/repos/o/r/pulls/4", status=503),
    "connection reset": Fault("reset", "/gerrit/changes", nth=2),
    "read timeout": Fault("timeout", "/github/repos/o/r/pulls", exact=True, nth=1, seconds=1.2),
    "truncated body": Fault("truncate", "/launchpad/example"),
    "non-JSON body": Fault("nonjson", "/gerrit/changes"),
    "Gerrit page without _more_changes": Fault("noend", "/gerrit/changes"),
    "GitHub page without Link next": Fault("noend", "/github/repos/o/r/pulls", exact=True),
    "Launchpad page without next_collection_link": Fault("noend", "/launchpad/example"),
}


@pytest.mark.parametrize("fault", list(TRANSIENT.values()), ids=list(TRANSIENT))
def test_transient_fault_is_survived_within_the_run(tmp_path, clean, fault):
    errors = run(tmp_path / "w.duckdb", [fault])
    assert not any(errors.values()), errors
    assert differences(dump(tmp_path / "w.duckdb"), clean) == []


BROKEN = {
    "wrong-shape body (Gerrit)": (Fault("shape", "/gerrit/changes", body=")]}'\n{\"changes\": []}"), "gerrit:review"),
    "wrong-shape body (GitHub)": (Fault("shape", "/github/repos/o/r/pulls", exact=True, body="{}"), "github:gh"),
    "wrong-shape body (Launchpad bug)": (Fault("shape", "/launchpad/bugs/", nth=1, body="[]"), "launchpad:bugs"),
    "Gerrit page repeating the previous one": (Fault("repeat", "/gerrit/changes", nth=1), "gerrit:review"),
    "GitHub page repeating the previous one": (Fault("repeat", "/github/repos/o/r/pulls", exact=True, nth=1),
                                               "github:gh"),
    "Launchpad page repeating the previous one": (Fault("repeat", "/launchpad/example", nth=1), "launchpad:bugs"),
}


@pytest.mark.parametrize("fault, source", list(BROKEN.values()), ids=list(BROKEN))
def test_unfixable_fault_fails_one_source_in_one_line_and_the_rerun_completes(tmp_path, clean, fault, source):
    path = tmp_path / "w.duckdb"
    errors = run(path, [fault])
    assert [s for s, e in errors.items() if e] == [source], errors
    assert "\n" not in errors[source] and source.split(":")[0] in errors[source].lower() or "/" in errors[source]
    rerun = run(path)
    assert not any(rerun.values()), rerun
    assert differences(dump(path), clean) == []
