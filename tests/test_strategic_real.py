"""Strategic contributions on real OpenStack history (../shared/data bundles), checked against an
independent computation from ``git log --numstat``: per organisation (by email domain) the
changed lines in test files and the share of commits that went to the common library.

Skipped when ../shared/data is absent (a failure in CI, see tests/conftest.py).
"""

from __future__ import annotations

import fnmatch
import subprocess
from collections import defaultdict

import duckdb
import polars as pl
import pytest

from conftest import SHARED_DATA, SHARED_SKIP
from healthdash.metrics import strategic
from test_strategic import TEST_FILE, numstat_paths

BUNDLES = SHARED_DATA / "openstack" / "repos"
REPOS = {"oslo.i18n": True, "python-swiftclient": False}           # name -> common library
DOMAINS = {"redhat.com": "Red Hat", "hp.com": "HP", "swiftstack.com": "SwiftStack", "rackspace.com": "Rackspace",
           "ibm.com": "IBM", "intel.com": "Intel", "suse.com": "SUSE", "suse.de": "SUSE"}
BOTS = ["*proposal bot*", "zuul*", "*jenkins*"]

pytestmark = pytest.mark.skipif(not all((BUNDLES / f"{r}.bundle").exists() for r in REPOS), reason=SHARED_SKIP)


def _is_bot(name: str, email: str) -> bool:
    return any(fnmatch.fnmatchcase(value.lower(), p) for p in BOTS for value in (name, email))


def _org(email: str) -> str | None:
    domain = email.lower().rsplit("@", 1)[-1]
    return next((org for d, org in DOMAINS.items() if domain == d or domain.endswith("." + d)), None)


def git_log_figures(clones) -> dict[str, dict[str, int]]:
    """Per mapped organisation: commits, commits to the common library, test lines, changed lines."""
    figures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for repo, path in clones.items():
        out = subprocess.run(["git", "-C", str(path), "log", "--no-merges", "--numstat", "--format=@%an\t%ae"],
                             capture_output=True, text=True, check=True).stdout
        org = None
        for line in out.splitlines():
            if line.startswith("@"):
                name, email = line[1:].split("\t", 1)
                org = None if _is_bot(name, email) else _org(email)
                if org:
                    figures[org]["commits"] += 1
                    figures[org]["common"] += REPOS[repo]
            elif line.strip() and org:
                lines, path_changed = numstat_paths(line)
                figures[org]["changed"] += lines
                figures[org]["tests"] += lines if TEST_FILE.search(path_changed.lower()) else 0
    return figures


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory, openstack_clones):
    from healthdash.collect import collect, configured_sources  # noqa: PLC0415
    from healthdash.settings import load_settings  # noqa: PLC0415

    base = tmp_path_factory.mktemp("real-strategic")
    clones = {repo: openstack_clones[repo] for repo in REPOS}
    teams = "\n".join(f'[[teams]]\nname = "{r}"\nprojects = [{{name = "{r}", repos = ["{r}"]}}]\n' for r in REPOS)
    repos = "\n".join(f'[repos."{r}"]\npath = "{clones[r]}"\ncommon_library = {str(c).lower()}\n'
                      for r, c in REPOS.items())
    domains = "\n".join(f'"{d}" = "{o}"' for d, o in DOMAINS.items())
    config = base / "healthdash.toml"
    config.write_text(f'warehouse = "w.duckdb"\n{teams}\n{repos}\n[bots]\npatterns = {BOTS!r}\n'
                      f'[domains]\n{domains}\n'.replace("'", '"'))
    settings = load_settings(config)
    collect(settings, configured_sources(settings))
    return settings.warehouse, clones


def test_strategic_shares_match_git_log_on_real_history(real_warehouse):
    path, clones = real_warehouse
    expected = git_log_figures(clones)
    with duckdb.connect(str(path), read_only=True) as con:
        frame = strategic.by_org(con, top_n=None)
    cells = {(r["org"], r["category"]): (r["contributions"], r["total"]) for r in frame.iter_rows(named=True)}
    checked = 0
    for org, figures in expected.items():
        assert cells[(org, "tests")] == (figures["tests"], figures["changed"]), org
        assert cells[(org, "common_libraries")] == (figures["common"], figures["commits"]), org
        checked += 1
    assert checked >= 5                                      # Red Hat, HP, SwiftStack, Rackspace, IBM, ...
    # the independent side itself: Red Hat works on both repos, SwiftStack on the client only
    assert expected["Red Hat"]["common"] > 0 and expected["Red Hat"]["commits"] > expected["Red Hat"]["common"]
    assert expected["SwiftStack"]["commits"] > 10 and expected["SwiftStack"]["common"] == 0
    community = frame.filter(pl.col("org") == "Community")
    shares = dict(zip(community["category"].to_list(), community["share"].to_list()))
    assert shares["cross_org_reviews"] is None and shares["bug_fixes"] is None   # not collected: no data


def test_scorecard_on_real_history_scores_what_is_collected_and_says_no_data_for_the_rest(real_warehouse):
    from healthdash.metrics import scorecard  # noqa: PLC0415

    path, _ = real_warehouse
    with duckdb.connect(str(path), read_only=True) as con:
        frame = scorecard.scorecard(con)
    by_area = {(r["team"], r["area"]): r for r in frame.iter_rows(named=True)}
    for team in (*REPOS, "Community"):
        # git only: no review, bug or coverage source -> security and quality are "no data", never 0
        assert by_area[(team, "security")]["score"] is None and by_area[(team, "security")]["rating"] == "no data"
        assert by_area[(team, "quality")]["score"] is None
        assert 0 <= by_area[(team, "neutrality")]["score"] <= 100
    assert set(frame["cycle"].to_list()) == {"all data"}           # no release cycles configured here
