"""`healthdash init` from the community's real governance files, and bad files."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from collectors.base import CollectorError
from collectors.governance import parse_projects_yaml, parse_series_status
from healthdash.settings import load_settings

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "openstack"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data not present")


def test_small_projects_yaml():
    text = """
nova:
  deliverables:
    nova: {repos: [openstack/nova]}
    python-novaclient:
      repos: [openstack/python-novaclient]
oslo:
  ptl: {name: Someone}
  deliverables:
    oslo.config: {repos: [openstack/oslo.config]}
    retired-thing: {}
"""
    triples = [(r.team, r.project, r.repo) for r in parse_projects_yaml(text)]
    assert triples == [("nova", "nova", "openstack/nova"),
                       ("nova", "python-novaclient", "openstack/python-novaclient"),
                       ("oslo", "oslo.config", "openstack/oslo.config")]


def test_cycles_run_from_previous_release_to_this_one():
    text = """
- {name: beta, release-id: 2024.2, initial-release: 2024-10-02}
- {name: alpha, release-id: 2024.1, initial-release: 2024-04-03}
- {name: older, initial-release: 2023-10-04}
"""
    cycles = parse_series_status(text)
    assert [(c.name, c.start, c.end) for c in cycles] == [
        ("2024.1 Alpha", date(2023, 10, 5), date(2024, 4, 3)),
        ("2024.2 Beta", date(2024, 4, 4), date(2024, 10, 2)),
    ]


@pytest.mark.parametrize("text, fragment", [
    ("nova: [unclosed", "not valid YAML at line 1"),
    ("- just\n- a list\n", "expected a mapping"),
    ("nova:\n  deliverables: [a, b]\n", "'deliverables' that is not a mapping"),
])
def test_bad_projects_yaml_is_one_line_naming_the_file(text, fragment):
    with pytest.raises(CollectorError, match=fragment) as info:
        parse_projects_yaml(text, "gov/projects.yaml")
    assert str(info.value).startswith("gov/projects.yaml:")


@needs_shared
def test_init_from_the_real_governance_files(tmp_path):
    out = tmp_path / "healthdash.toml"
    result = subprocess.run(
        [sys.executable, "-m", "healthdash.cli", "init", str(SHARED / "projects.yaml"),
         "--series", str(SHARED / "series_status.yaml"), "--repos", "/srv/git/{repo}", "-o", str(out)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    settings = load_settings(out)
    triples = parse_projects_yaml((SHARED / "projects.yaml").read_text())
    assert len(settings.teams) == len({t.team for t in triples}) > 30
    assert len(settings.repos) == len({t.repo for t in triples})
    assert settings.repos["openstack/nova"].path == "/srv/git/openstack/nova"
    assert settings.projects["nova"] == "nova"
    cycles = {c.name: c for c in settings.release_cycles}
    assert any(name.startswith("2025.1") for name in cycles)
    again = subprocess.run([sys.executable, "-m", "healthdash.cli", "init", str(SHARED / "projects.yaml"),
                            "-o", str(out)], capture_output=True, text=True)
    assert again.returncode == 1 and "already exists" in again.stderr
