"""The content parsers on the real OpenStack files in ../shared, and on anything at all (hypothesis).

Real files: global requirements, upper constraints, Nova's support matrix and
the manifests of the two real git bundles, each checked against an independent
reading of the same file (configparser, plain string splitting).  Property
tests: every parser either parses or raises :class:`ParseError` with one line
naming the file, and never hangs.
"""

from __future__ import annotations

import configparser
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet

from collectors.feature_matrix import STATUSES, parse_matrix
from collectors.ini_lines import ParseError
from collectors.manifests import (normalise, parse_constraints, parse_pyproject, parse_requirements_file,
                                  parse_setup_cfg)
from collectors.repo_content import read_content
from conftest import SHARED_DATA

OPENSTACK = SHARED_DATA / "openstack"
needs_shared = pytest.mark.skipif(not OPENSTACK.is_dir(), reason="../shared/data is not available")


def independent_requirements(text: str) -> list[tuple[str, SpecifierSet, str]]:
    """(normalised name, specifier set, marker text) of each line, read without the parser under test."""
    found = []
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line or line.startswith("-"):
            continue
        requirement, _, marker = line.partition(";")
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement).group(0)
        rest = re.sub(r"^\[[^\]]*\]", "", requirement[len(name):].strip()).strip()
        found.append((normalise(name), SpecifierSet(rest), " ".join(marker.split())))
    return found


@needs_shared
def test_global_requirements_match_the_file():
    text = (OPENSTACK / "global-requirements.txt").read_text()
    parsed = parse_requirements_file("global-requirements.txt", text)
    expected = independent_requirements(text)
    assert len(parsed) == len(expected) > 300
    assert [(d.name, SpecifierSet(d.specifier)) for d in parsed] == [(n, s) for n, s, _ in expected]
    assert sum(1 for d in parsed if d.markers) == sum(1 for _, _, m in expected if m)


@needs_shared
def test_upper_constraints_match_the_file():
    text = (OPENSTACK / "upper-constraints.txt").read_text()
    parsed = parse_constraints("upper-constraints.txt", text)
    expected = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pin, _, marker = line.partition(";")
            name, _, version = pin.partition("===")
            expected.append((normalise(name.strip()), version.strip(), bool(marker.strip())))
    assert [(n, v, bool(m)) for n, v, m, _ in parsed] == expected and len(expected) > 500


@needs_shared
def test_nova_support_matrix_matches_configparser():
    text = (OPENSTACK / "nova-support-matrix.ini").read_text()
    rows = parse_matrix(text, "nova-support-matrix.ini")
    ini = configparser.ConfigParser(interpolation=None)
    ini.read_string(text)
    targets = {s[len("driver."):]: ini[s]["title"] for s in ini.sections() if s.startswith("driver.")}
    cells = [(s, k[len("driver."):], v.strip()) for s in ini.sections() if not s.startswith("driver.")
             for k, v in ini[s].items() if k.startswith("driver.")]
    assert len(targets) == 11 and len(rows) == len(cells) == 649
    assert sorted((r["feature"], r["target"], r["status"]) for r in rows) == sorted(cells)
    assert Counter(r["status"] for r in rows) == Counter(v for _, _, v in cells)
    assert {r["target"]: r["target_title"] for r in rows} == targets
    assert all(r["status"] in STATUSES for r in rows)


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    found = sorted((OPENSTACK / "repos").glob("*.bundle")) if OPENSTACK.is_dir() else []
    if not found:
        pytest.skip("no git bundles in ../shared/data/openstack/repos")
    root = tmp_path_factory.mktemp("bundles")
    clones = {}
    for bundle in found:
        target = root / bundle.stem
        subprocess.run(["git", "clone", "-q", str(bundle), str(target)], check=True)
        clones[bundle.stem] = target
    return clones


def test_real_repositories_manifests_match_their_files(bundles):
    for name, path in bundles.items():
        content = read_content(path, name, "HEAD", None, {"config_library": "oslo.config"})
        assert content.problems == [], content.problems
        deps = content.frames["dependencies"]
        files = sorted(set(deps["file"].to_list()))
        assert "requirements.txt" in files and "test-requirements.txt" in files
        for file in files:
            if not file.endswith(".txt"):
                continue
            text = subprocess.run(["git", "-C", str(path), "show", f"HEAD:{file}"], check=True,
                                  capture_output=True, text=True).stdout
            mine = deps.filter(deps["file"] == file).sort("line")
            assert [(n, SpecifierSet(s)) for n, s in zip(mine["name"], mine["specifier"])] == \
                [(n, s) for n, s, _ in independent_requirements(text)], (name, file)
        checks = dict(zip(content.frames["repo_checks"]["check_name"], content.frames["repo_checks"]["passed"]))
        assert checks["licence"] and checks["readme"] and checks["ci_config"] and checks["manifests_readable"]
        assert content.frames["repo_content"]["python_lines"][0] > 500


# --------------------------------------------------------------------------- properties

def _one_line_error(label: str, call) -> None:
    try:
        call()
    except ParseError as err:
        message = str(err)
        assert "\n" not in message and message.startswith(label), message


PROPERTY = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
REQUIREMENT_ALPHABET = st.sampled_from(list("abcXY019 .-_=<>!~;,[]()'\"@#\\\n\t") +
                                       ["pbr>=2.0", "-r ", "--hash=sha256:ab", " ; python_version<'3'",
                                        "requests[socks]", "\\\n", "-e .", "git+https://x/y#egg=z"])


@PROPERTY
@given(st.lists(REQUIREMENT_ALPHABET, max_size=40).map("".join))
def test_requirements_parse_or_fail_in_one_line(text):
    _one_line_error("r.txt", lambda: parse_requirements_file("r.txt", text, lambda name: "six\n-r r.txt\n"))


@PROPERTY
@given(st.text(max_size=300))
def test_any_text_as_requirements_pyproject_or_setup_cfg(text):
    _one_line_error("r.txt", lambda: parse_requirements_file("r.txt", text))
    _one_line_error("pyproject.toml", lambda: parse_pyproject("pyproject.toml", text))
    _one_line_error("setup.cfg", lambda: parse_setup_cfg("setup.cfg", text))


@PROPERTY
@given(st.lists(st.sampled_from(["[project]", "dependencies = [", '"pbr>=2",', '"bad==>1",', "]", "[project.optional-dependencies]",
                                 'test = ["pytest"]', "x = 1", "project = 3", '"', "requires-python = '>=3.9'"]),
                max_size=12).map("\n".join))
def test_pyproject_shapes(text):
    _one_line_error("pyproject.toml", lambda: parse_pyproject("pyproject.toml", text))


MATRIX_PIECES = st.sampled_from(["[driver.a]", "title=A", "[driver.b]", "[targets]", "driver-impl-x=X",
                                 "[operation.o]", "driver.a=complete", "driver.b=partial", "driver.c=missing",
                                 "driver.a=maybe", "driver-impl-x=unknown", "  continued", "; c", "no equals",
                                 "feature,target,status", "f,a,complete", "f,a", "f,a,wrong", '"', "\x00", ""])


@PROPERTY
@given(st.lists(MATRIX_PIECES, max_size=15).map("\n".join), st.sampled_from(["m.ini", "m.csv"]))
def test_matrices_parse_or_fail_in_one_line(text, label):
    def parse():
        for row in parse_matrix(text, label):
            assert row["status"] in STATUSES
    _one_line_error(label, parse)


@PROPERTY
@given(st.text(max_size=300), st.sampled_from(["m.ini", "m.csv"]))
def test_any_text_as_a_matrix(text, label):
    _one_line_error(label, lambda: parse_matrix(text, label))
