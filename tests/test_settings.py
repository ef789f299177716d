"""Settings: valid files load; every bad key or type is one error naming the key and file."""

from datetime import date
from pathlib import Path

import pytest

from healthdash.errors import ConfigError
from healthdash.settings import load_settings

GOOD = """
warehouse = "wh/test.duckdb"

[[teams]]
name = "Compute"
description = "Virtual machines"
projects = [{ name = "nova", repos = ["nova", "novaclient"] }]

[[teams]]
name = "Libraries"
projects = [{ name = "oslo", repos = ["oslo.config"] }]

[repos.nova]
path = "git/nova"
[repos.novaclient]
url = "https://example.org/novaclient.git"
[repos."oslo.config"]
path = "/abs/oslo.config"
common_library = true

[[release_cycles]]
name = "2025.1"
start = 2024-10-02
end = 2025-04-02

[bots]
patterns = ["*[bot]*", "Zuul*"]

[domains]
"Vendor-A.example" = "Vendor A"

[[sources]]
kind = "gerrit"
name = "review"
url = "http://127.0.0.1:9/"
projects = ["nova"]
token_env = "GERRIT_TOKEN"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "healthdash.toml"
    path.write_text(text)
    return path


def test_good_file_loads_with_paths_relative_to_the_file(tmp_path):
    settings = load_settings(write(tmp_path, GOOD))
    assert settings.warehouse == tmp_path / "wh/test.duckdb"
    assert settings.teams == {"Compute": "Virtual machines", "Libraries": ""}
    assert settings.projects == {"nova": "Compute", "oslo": "Libraries"}
    assert settings.repos["nova"].path == str(tmp_path / "git/nova")
    assert settings.repos["novaclient"].url.endswith("novaclient.git")
    assert settings.repos["oslo.config"].common_library is True
    assert settings.repos["oslo.config"].team == "Libraries"
    assert settings.release_cycles[0].start == date(2024, 10, 2)
    assert settings.bot_patterns == ["*[bot]*", "zuul*"]
    assert settings.domains == {"vendor-a.example": "Vendor A"}
    assert settings.sources[0]["token_env"] == "GERRIT_TOKEN"


def test_environment_variable_names_the_file(tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)
    monkeypatch.setenv("HEALTHDASH_CONFIG", str(path))
    assert load_settings().path == path.resolve()


def test_no_file_gives_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HEALTHDASH_CONFIG", raising=False)
    settings = load_settings()
    assert settings.path is None
    assert settings.warehouse == tmp_path / "data/healthdash.duckdb"


@pytest.mark.parametrize("text, key", [
    (GOOD.replace('description = "Virtual machines"', 'descripton = "x"'), "teams[0].descripton"),
    (GOOD + "\n[thresholds]\nmin_coverage = 'high'\n", "thresholds.min_coverage"),
    (GOOD.replace("common_library = true", "common_library = 'yes'"), "repos.oslo.config.common_library"),
    (GOOD.replace("start = 2024-10-02", 'start = "soon"'), "release_cycles[0].start"),
    (GOOD + "\n[[sources]]\nname = 'x'\n", "sources[1].kind"),
    (GOOD + "\n[repos.orphan]\npath = 'x'\n", "repos.orphan"),
    (GOOD.replace('name = "Compute"', 'nam = "Compute"'), "teams[0].nam"),
])
def test_bad_key_is_one_line_naming_key_and_file(tmp_path, text, key):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = info.value.one_line()
    assert key in message and str(path) in message and "\n" not in message


def test_invalid_toml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "teams = [[["))
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")
