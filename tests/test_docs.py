"""README stays true: its configuration example loads, and every collector kind it names exists."""

import re
from pathlib import Path

import collectors
from healthdash.settings import SCHEMA, load_settings

README = Path(__file__).resolve().parents[1] / "README.md"


def toml_blocks():
    return re.findall(r"```toml\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_configuration_example_loads(tmp_path):
    blocks = toml_blocks()
    assert blocks, "README has no configuration example"
    for index, block in enumerate(blocks):
        path = tmp_path / f"example{index}.toml"
        path.write_text(block)
        settings = load_settings(path)
        for source in settings.sources:
            assert source["kind"] in collectors.REGISTRY, source["kind"]


def test_every_collector_kind_and_section_is_documented():
    text = README.read_text()
    for kind in collectors.REGISTRY:
        if kind in ("git", "requirements"):
            continue  # git sources come from [repos], the requirements source from [commonality]
        assert f'kind = "{kind}"' in text, f"README does not show a {kind} source"
    for section in SCHEMA:
        if isinstance(SCHEMA[section], dict) and section != "thresholds":
            assert f"[{section}" in text, f"README does not show the [{section}] section"
