"""The command line: readable help, one-line errors, exit status."""

import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "healthdash.cli"]


def run(*args, cwd=None, env=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, env=env)


@pytest.mark.parametrize("command", ["collect", "serve", "demo", "status", "export"])
def test_every_command_has_help(command):
    out = run(command, "--help")
    assert out.returncode == 0 and "Usage" in out.stdout


def test_bad_config_is_one_line_naming_key_and_file(tmp_path):
    config = tmp_path / "healthdash.toml"
    config.write_text("[[teams]]\nname = 'A'\ncolour = 'red'\n")
    out = run("status", "--config", str(config))
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0
    assert "teams[0].colour" in out.stderr and str(config) in out.stderr


def test_status_without_warehouse_says_what_to_do(tmp_path):
    config = tmp_path / "healthdash.toml"
    config.write_text("warehouse = 'none.duckdb'\n")
    out = run("status", "--config", str(config))
    assert out.returncode == 1 and "healthdash demo" in out.stderr
    assert "Traceback" not in out.stderr


def test_collect_unknown_source_is_one_line(tmp_path):
    config = tmp_path / "healthdash.toml"
    config.write_text("warehouse = 'w.duckdb'\n")
    out = run("collect", "gerrit", "--config", str(config))
    assert out.returncode == 1 and "no source matches gerrit" in out.stderr
    assert "Traceback" not in out.stderr
