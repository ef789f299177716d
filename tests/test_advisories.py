"""Advisory importer: OSSA-style YAML directories -> advisories, cves, advisory_reporters."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from collectors.advisories import collect, launchpad_bug_numbers, read_advisory
from collectors.base import CollectorError, SourceSpec
from healthdash.warehouse import load_batch, reader, writer
from healthdash.warehouse.load import register_source

SMALL = Path(__file__).parent / "data" / "advisories" / "small"
OSSA = Path(__file__).resolve().parents[1] / "../shared/data/openstack/ossa"


def load(db: Path, folder: Path) -> None:
    spec = SourceSpec("advisories", "advisories:test", str(folder))
    with writer(db) as con:
        register_source(con, spec.source_id, spec.kind, spec.location)
        for batch in collect(spec, None):
            load_batch(con, spec.source_id, batch)


def query(db: Path, sql: str) -> list[tuple]:
    with reader(db) as con:
        return con.execute(sql).fetchall()


def test_bug_numbers_from_both_launchpad_link_styles():
    assert launchpad_bug_numbers(["https://launchpad.net/bugs/885167", "https://bugs.launchpad.net/nova/+bug/12",
                                  "https://storyboard.openstack.org/#!/story/1", "https://launchpad.net/bugs/885167"]) \
        == ["885167", "12"]


def test_small_directory_rows(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, SMALL)
    rows = query(db, "SELECT advisory_id, published, projects, cves, bug_keys, len(reviews), len(issue_links) "
                     "FROM advisories ORDER BY advisory_id")
    assert rows == [
        ("OSSA-2023-004", date(2023, 11, 2), ["other"], ["CVE-2023-33333"], ["2100000"], 0, 1),
        ("OSSA-2024-001", date(2024, 3, 20), ["example", "python-exampleclient"],
         ["CVE-2024-11111", "CVE-2024-22222"], ["2000001", "2000005"], 2, 3),
    ]
    assert query(db, "SELECT count(*) FROM cves") == [(3,)]
    reporters = query(db, "SELECT advisory_id, reporter, affiliation, cves FROM advisory_reporters ORDER BY 1, 2")
    assert reporters == [("OSSA-2023-004", "Ola Outsider", None, []),
                         ("OSSA-2024-001", "Rae Reporter", "Vendor A", ["CVE-2024-11111"]),
                         ("OSSA-2024-001", "Sam Finder", None, ["CVE-2024-22222"])]   # UNKNOWN -> no affiliation


def test_rerun_is_idempotent_and_drops_corrected_cves(tmp_path):
    folder = tmp_path / "ossa"
    shutil.copytree(SMALL, folder)
    db = tmp_path / "w.duckdb"
    load(db, folder)
    load(db, folder)
    assert query(db, "SELECT count(*) FROM advisories") == [(2,)]
    text = (folder / "OSSA-2024-001.yaml").read_text().replace("  - cve-id: CVE-2024-22222\n", "")
    (folder / "OSSA-2024-001.yaml").write_text(text)
    load(db, folder)
    assert query(db, "SELECT cve_id FROM cves ORDER BY 1") == [("CVE-2023-33333",), ("CVE-2024-11111",)]


def test_bad_file_names_the_file_and_loses_nothing(tmp_path):
    folder = tmp_path / "ossa"
    shutil.copytree(SMALL, folder)
    db = tmp_path / "w.duckdb"
    load(db, folder)
    (folder / "OSSA-2024-009.yaml").write_text("id: OSSA-2024-009\ndate: [unclosed\n")
    with pytest.raises(CollectorError, match=r"OSSA-2024-009\.yaml: not valid YAML"):
        load(db, folder)
    (folder / "OSSA-2024-009.yaml").write_text("title: no id here\n")
    with pytest.raises(CollectorError, match=r"OSSA-2024-009\.yaml: not an advisory"):
        load(db, folder)
    assert query(db, "SELECT count(*) FROM advisories") == [(2,)]


def test_missing_directory_is_one_clear_error(tmp_path):
    with pytest.raises(CollectorError, match="is not a directory"):
        list(collect(SourceSpec("advisories", "advisories:x", str(tmp_path / "nope")), None))


@pytest.mark.skipif(not OSSA.is_dir(), reason="shared OSSA data not available")
def test_real_ossa_directory(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, OSSA)
    files = sorted(OSSA.glob("*.yaml"))
    # independent count: one ``cve-id:`` line per vulnerability in the raw text
    cve_lines = {m for f in files for m in re.findall(r"cve-id:\s*(\S+)", f.read_text())}
    assert query(db, "SELECT count(*) FROM advisories") == [(len(files),)]
    assert query(db, "SELECT count(DISTINCT cve_id) FROM cves") == [(len(cve_lines),)]
    one = read_advisory(OSSA / "OSSA-2020-001.yaml")
    assert one["advisories"][0]["bug_keys"] == ["1492140"]
    assert one["advisories"][0]["projects"] == ["nova"]
    assert one["advisory_reporters"] == [{"advisory_id": "OSSA-2020-001", "reporter": "Paul Carlton",
                                          "affiliation": "HP", "cves": ["CVE-2015-9543"], "source_id": ""}]
    assert len(one["advisories"][0]["reviews"]) == 5


def test_security_section_names_the_advisory_folder(tmp_path):
    from healthdash.collect import collect as run_collection
    from healthdash.collect import configured_sources
    from healthdash.settings import load_settings

    shutil.copytree(SMALL, tmp_path / "ossa")
    config = tmp_path / "healthdash.toml"
    config.write_text('warehouse = "w.duckdb"\n[security]\nadvisories = "ossa"\n')
    settings = load_settings(config)
    specs = [s for s in configured_sources(settings) if s.kind == "advisories"]
    assert [(s.source_id, s.location) for s in specs] == [("advisories:security", str(tmp_path / "ossa"))]
    results = run_collection(settings, specs)
    assert [r.error for r in results] == [None]
    assert query(tmp_path / "w.duckdb", "SELECT count(*) FROM advisories") == [(2,)]
