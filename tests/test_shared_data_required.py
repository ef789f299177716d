"""Tests that need ../shared/data skip elsewhere but fail in CI (HEALTHDASH_REQUIRE_SHARED=1, set by .ci/run)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEEDS_SHARED = "tests/test_bots.py::test_no_person_in_stackalytics_is_a_bot_except_its_robot_account"


def _pytest(env_extra, tmp_path):
    env = {**os.environ, "HEALTHDASH_SHARED_DATA": str(tmp_path / "nowhere"), **env_extra}
    env.pop("HEALTHDASH_REQUIRE_SHARED", None) if "HEALTHDASH_REQUIRE_SHARED" not in env_extra else None
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", NEEDS_SHARED],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def test_missing_shared_data_skips_outside_ci(tmp_path):
    out = _pytest({}, tmp_path)
    assert out.returncode == 0 and "SKIPPED [1]" in out.stdout and "shared/data not present" in out.stdout


def test_missing_shared_data_fails_in_ci(tmp_path):
    out = _pytest({"HEALTHDASH_REQUIRE_SHARED": "1"}, tmp_path)
    assert out.returncode == 1 and "SKIPPED" not in out.stdout   # reported as an error in setup
    assert "HEALTHDASH_REQUIRE_SHARED=1" in out.stdout


def test_ci_script_requires_shared_data():
    assert "export HEALTHDASH_REQUIRE_SHARED=1" in (ROOT / ".ci" / "run").read_text()
