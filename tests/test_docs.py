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


def readme_command_lines() -> list[str]:
    """Every ``healthdash …`` command line in README's shell blocks (continuations joined)."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.S)
    lines = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            for part in re.split(r"&&|;", line.split("#")[0]):
                words = part.split()
                if words and words[0].endswith("healthdash") and len(words) > 1:
                    lines.append(" ".join(words))
    return lines


def test_readme_commands_and_their_options_exist():
    """Each command line the README shows names a real command and only options it has."""
    from typer.main import get_command

    from healthdash.cli import app

    root = get_command(app)
    lines = readme_command_lines()
    assert any(line.startswith("healthdash import-warehouse --parquet") for line in lines)
    for line in lines:
        words = line.split()
        command = root.commands.get(words[1])
        assert command is not None, f"README runs an unknown command: {line}"
        if hasattr(command, "commands") and len(words) > 2 and words[2] in command.commands:
            command = command.commands[words[2]]
        known = {opt for param in command.params for opt in getattr(param, "opts", [])}
        unknown = [w.split("=")[0] for w in words[2:] if w.startswith("--") and w.split("=")[0] not in known]
        assert not unknown, f"README uses {unknown} that `{' '.join(words[:2])}` does not have: {line}"


def test_readme_trino_example_lists_the_table_columns(empty_warehouse):
    """The Trino DDL in "Beyond one machine" has the exported table's columns, in order, partition last."""
    import duckdb

    ddl = re.search(r"CREATE TABLE hive\.healthdash\.(\w+) \((.*?)\)\nWITH", README.read_text(), flags=re.S)
    assert ddl, "README has no Trino example"
    columns = [c.split()[0] for c in ddl.group(2).split(",")]
    with duckdb.connect(str(empty_warehouse), read_only=True) as con:
        want = [r[0] for r in con.execute(f'DESCRIBE "{ddl.group(1)}"').fetchall()]
    assert columns == want + ["year"]
