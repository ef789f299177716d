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


SMALL = """
swift:
  deliverables:
    swift: {repos: [openstack/swift]}
    python-swiftclient: {repos: [openstack/python-swiftclient]}
oslo:
  deliverables:
    oslo.i18n: {repos: [openstack/oslo.i18n]}
"""


def _init(tmp_path, *args):
    projects = tmp_path / "projects.yaml"
    projects.write_text(SMALL)
    return subprocess.run([sys.executable, "-m", "healthdash.cli", "init", str(projects), *args],
                          capture_output=True, text=True, cwd=tmp_path)


def test_init_templates_name_and_repo(tmp_path):
    out = _init(tmp_path, "--repos", "/srv/git/{name}", "-o", "a.toml")
    assert out.returncode == 0, out.stderr
    assert load_settings(tmp_path / "a.toml").repos["openstack/swift"].path == "/srv/git/swift"
    out = _init(tmp_path, "--repos", "https://git.example.org/{repo}.git", "-o", "b.toml")
    assert load_settings(tmp_path / "b.toml").repos["openstack/swift"].url == "https://git.example.org/openstack/swift.git"


def test_init_subsets_extra_repos_and_affiliations(tmp_path):
    (tmp_path / "git" / "swift").mkdir(parents=True)
    (tmp_path / "git" / "oslo.i18n").mkdir(parents=True)
    (tmp_path / "aff").mkdir()
    (tmp_path / "aff" / "sponsors.csv").write_text("email,org,start,end\n")
    out = _init(tmp_path, "--repos", str(tmp_path / "git" / "{name}"), "--only-existing", "--team", "swift",
                "--add-repo", "openstack/governance=Technical Committee", "--affiliations", "aff/sponsors.csv",
                "-o", "c.toml")
    assert out.returncode == 0, out.stderr
    assert "(1 repository)" in out.stderr
    settings = load_settings(tmp_path / "c.toml")
    # swift exists locally, python-swiftclient does not, oslo.i18n and governance are other teams
    assert list(settings.repos) == ["openstack/swift"]
    assert settings.section("affiliations")["files"] == ["aff/sponsors.csv"]
    out = _init(tmp_path, "--add-repo", "openstack/governance=Technical Committee", "--team", "Technical Committee",
                "-o", "d.toml")
    assert out.returncode == 0, out.stderr
    settings = load_settings(tmp_path / "d.toml")
    assert list(settings.repos) == ["openstack/governance"]
    assert settings.repos["openstack/governance"].team == "Technical Committee"


@pytest.mark.parametrize("args, fragment", [
    (["--team", "nova"], "--team 'nova' is not a team"),
    (["--only-existing"], "--only-existing needs --repos"),
    (["--repos", "/nowhere/{name}", "--only-existing"], "no repository of"),
    (["--affiliations", "missing.json"], "affiliation file missing.json does not exist"),
])
def test_init_bad_options_are_one_line(tmp_path, args, fragment):
    out = _init(tmp_path, *args, "-o", "e.toml")
    assert out.returncode == 1 and fragment in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "e.toml").exists()
