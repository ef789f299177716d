"""``people show / fix / changes`` and ``import-affiliations`` on a real warehouse."""

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from healthdash.errors import HealthdashError
from healthdash.identity.cli import import_affiliations, people_app
from healthdash.warehouse import reader
from neutrality_community import build

DATA = Path(__file__).parent / "data" / "affiliation"


@pytest.fixture()
def setup(tmp_path):
    build(tmp_path / "w.duckdb")
    config = tmp_path / "healthdash.toml"
    config.write_text('warehouse = "w.duckdb"\n[[teams]]\nname = "compute"\n'
                      'projects = [{name = "nova", repos = ["nova"]}]\n'
                      '[[teams]]\nname = "storage"\nprojects = [{name = "swift", repos = ["swift"]}]\n')
    app = typer.Typer()
    app.add_typer(people_app, name="people")
    app.command("import-affiliations")(import_affiliations)
    app.command("noop")(lambda: None)
    return app, config, tmp_path


def invoke(app, *args):
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True, env={"COLUMNS": "300"})
    return result


def orgs_of(path, person):
    with reader(path) as con:
        return con.execute("SELECT DISTINCT org FROM contributions_in(NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL) "
                           "WHERE person_id = ? ORDER BY org", [person]).fetchall()


def test_show_explains_merges_and_attribution(setup):
    app, config, _ = setup
    result = invoke(app, "people", "show", "A1@acme.com", "--config", config)
    assert result.exit_code == 0, result.output
    assert "email:a1@acme.com" in result.output
    assert "email a1@acme.com" in result.output                       # the merge rule of each identity
    assert "domain map: acme.com -> Acme" in result.output            # why the organisation
    # a1's Acme contributions run 2024-01-05 .. 2024-07-15: the line covers exactly that span
    assert "affiliation a1@acme.com 'Right Organisation' from 2024-01-05 until 2024-07-16" in result.output
    missing = invoke(app, "people", "show", "nobody@nowhere.example", "--config", config)
    assert isinstance(missing.exception, HealthdashError)
    assert "no person or identity matches 'nobody@nowhere.example'" in missing.exception.message


def test_fix_takes_effect_without_recollection(setup):
    app, config, tmp_path = setup
    assert orgs_of(tmp_path / "w.duckdb", "email:a1@acme.com") == [("Acme",)]
    result = invoke(app, "people", "fix", "affiliation", "a1@acme.com", "Globex", "from", "2024-07-01",
                    "--config", config)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "overrides.txt").read_text().splitlines()[-1] == \
        "affiliation a1@acme.com Globex from 2024-07-01"
    assert orgs_of(tmp_path / "w.duckdb", "email:a1@acme.com") == [("Acme",), ("Globex",)]
    merged = invoke(app, "people", "fix", "merge", "p1@gmail.com", "p2@gmail.com", "--config", config)
    assert merged.exit_code == 0, merged.output
    with reader(tmp_path / "w.duckdb") as con:
        people = con.execute("SELECT DISTINCT person_id FROM identity_people WHERE email LIKE 'p_@gmail.com'").fetchall()
    assert people == [("email:p1@gmail.com",)]
    bad = invoke(app, "people", "fix", "affiliation", "a1@acme.com", "--config", config)
    assert "expected 'affiliation EMAIL" in bad.exception.message
    assert (tmp_path / "overrides.txt").read_text().count("\n") == 3   # header + two good lines, nothing else


def test_changes_lists_employer_moves(setup):
    app, config, _ = setup
    invoke(app, "people", "fix", "affiliation", "a1@acme.com", "Globex", "from", "2024-07-01", "--config", config)
    result = invoke(app, "people", "changes", "--config", config)
    assert result.exit_code == 0, result.output
    assert "2024-07-15" in result.output and "Acme" in result.output and "Globex" in result.output


def test_import_affiliations_checks_every_file_first(setup):
    app, config, tmp_path = setup
    sponsors = tmp_path / "sponsors.csv"
    sponsors.write_text("email,org,start,end\ng1@globex.com,Initech,2024-02-10,\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("email,org,start,end\nbroken,Initech,,\n")
    failed = invoke(app, "import-affiliations", sponsors, bad, "--config", config)
    assert isinstance(failed.exception, HealthdashError)
    assert orgs_of(tmp_path / "w.duckdb", "email:g1@globex.com") == [("Globex",)]   # nothing written
    ok = invoke(app, "import-affiliations", sponsors, DATA / "default_data.json", "--config", config)
    assert ok.exit_code == 0, ok.output
    assert "sponsors.csv (csv): 1 periods" in ok.output
    # g1: Globex commits 02-01 (domain), then Initech from 02-10 (sponsor CSV)
    assert orgs_of(tmp_path / "w.duckdb", "email:g1@globex.com") == [("Globex",), ("Initech",)]
