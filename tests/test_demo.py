"""The demo community: its shape, its git histories, the build pipeline and the local server.

Builds use ``scale=0.2`` (about 1,200 commits) so the whole file stays fast; the
default scale only changes how many commits each repository gets.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import requests

from healthdash.demo import PARTS, DemoServer, build, generate
from healthdash.demo.build import DemoContext
from healthdash.demo.community import END_DATE, INDEPENDENT
from healthdash.demo.git_history import git_part
from healthdash.demo.toml_writer import dumps
from healthdash.errors import ConfigError
from healthdash.settings import load_settings

SCALE = 0.2
HAS_GIT_COLLECTOR = importlib.util.find_spec("collectors.git") is not None


@pytest.fixture(scope="module")
def community():
    return generate(2026)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A git-only demo build at small scale, collected into its warehouse when the collector exists."""
    root = tmp_path_factory.mktemp("demo")
    commits: list = []

    def keep_commits(ctx: DemoContext) -> None:
        commits.extend(ctx.shared["commits"])

    config = build(root / "data" / "demo", scale=SCALE, collect=HAS_GIT_COLLECTOR, parts=[git_part, keep_commits])
    return config, commits


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def _shares(counter: Counter) -> dict[str, float]:
    total = sum(counter.values())
    return {org: n / total for org, n in counter.items()}


# --------------------------------------------------------------------------- the community model

def test_community_has_the_required_shape(community):
    humans = [p for p in community.people if not p.is_bot]
    assert len(community.teams) >= 3
    assert len(community.repos) >= 10
    assert any(r.common_library for r in community.repos.values())
    assert len(humans) >= 60
    assert len(community.orgs) >= 10
    assert all(o.domain.endswith(".example") for o in community.orgs.values())
    independents = [p for p in humans if not p.affiliations]
    assert len(independents) >= 5
    assert all(p.emails[-1].address.split("@")[1] in community.public_mail_domains for p in independents)
    assert (community.end - community.start).days >= 2 * 365
    assert len({p.person_id for p in community.people}) == len(community.people)
    assert len({p.username for p in community.people}) == len(community.people)


def test_release_cycles_are_named_six_month_cycles_without_gaps(community):
    cycles = community.cycles
    assert cycles[0].start <= community.start and cycles[-1].end >= END_DATE
    for earlier, later in zip(cycles, cycles[1:]):
        assert later.start == earlier.end + timedelta(days=1)
        assert 175 <= (later.start - earlier.start).days <= 190
    assert all(c.name.split()[0] == c.release_id and c.name.split()[1].isalpha() for c in cycles)


def test_bots_match_the_configured_patterns_in_duckdb(community):
    con = duckdb.connect()
    for bot in community.bots:
        values = [bot.name.lower(), bot.primary_email.lower()]
        matched = con.execute("SELECT bool_or(v GLOB p) FROM unnest($1::VARCHAR[]) a(v), unnest($2::VARCHAR[]) b(p)",
                              [values, list(community.bot_patterns)]).fetchone()[0]
        assert matched, bot.name
    humans = [p for p in community.people if not p.is_bot]
    emails = [e.address.lower() for p in humans for e in p.emails] + [p.name.lower() for p in humans]
    hit = con.execute("SELECT count(*) FROM unnest($1::VARCHAR[]) a(v), unnest($2::VARCHAR[]) b(p) WHERE v GLOB p",
                      [emails, list(community.bot_patterns)]).fetchone()[0]
    assert hit == 0


def test_employer_changes_some_visible_in_the_address_some_only_on_record(community):
    movers = [p for p in community.people if len(p.affiliations) > 1
              or any(a.valid_from or a.valid_to for a in p.affiliations)]
    assert len(movers) >= 8
    by_evidence = Counter(a.evidence for p in movers for a in p.affiliations)
    assert by_evidence["email-domain"] and by_evidence["affiliation-file"]
    for person in movers:
        change = next(a.valid_to or a.valid_from for a in person.affiliations if a.valid_to or a.valid_from)
        before, after = person.org_at(change - timedelta(days=1)), person.org_at(change)
        assert before != after, person.name
        visible = person.affiliations[0].evidence == "email-domain"
        addresses_before = {e.address for e in person.emails if e.valid_on(change - timedelta(days=1))}
        addresses_after = {e.address for e in person.emails if e.valid_on(change)}
        assert (addresses_before != addresses_after) == visible, person.name
    # someone joins a company from independence, someone leaves one to go independent
    assert any(p.affiliations[0].valid_from and p.org_at(p.affiliations[0].valid_from - timedelta(days=1))
               == INDEPENDENT for p in movers)
    assert any(p.affiliations and p.org_at(END_DATE) == INDEPENDENT for p in movers)


def test_some_people_commit_from_a_personal_and_a_work_address(community):
    dual = [p for p in community.people
            if {e.kind for e in p.emails if e.valid_from is None and e.valid_to is None} == {"personal", "work"}]
    assert len(dual) >= 8


def test_same_seed_same_community_other_seed_other_people(community):
    again, other = generate(2026), generate(7)
    assert [(p.person_id, p.emails, p.affiliations) for p in again.people] == \
           [(p.person_id, p.emails, p.affiliations) for p in community.people]
    assert [p.person_id for p in other.people] != [p.person_id for p in community.people]


# --------------------------------------------------------------------------- git histories

def test_histories_have_the_required_volume_and_span(built):
    _, commits = built
    per_repo = Counter(c.repo for c in commits)
    assert len(per_repo) >= 10 and min(per_repo.values()) >= 25
    days = sorted(c.author_date.date() for c in commits)
    assert (days[-1] - days[0]).days >= 2 * 365
    assert days[-1] >= END_DATE - timedelta(days=14)     # history ends near the demo's "today"


def test_team_concentration_by_true_employer(built, community):
    """Storage is close to single-vendor, Shared libraries diverse (true employer at each date)."""
    _, commits = built
    per_team: dict[str, Counter] = defaultdict(Counter)
    for c in commits:
        person = community.person(c.author_id)
        if not person.is_bot and c.index > 0:
            per_team[community.repos[c.repo].team][person.org_at(c.author_date.date())] += 1
    storage, shared = _shares(per_team["Storage"]), _shares(per_team["Shared libraries"])
    assert 0.85 <= max(storage.values()) <= 0.92
    assert max(shared.values()) <= 0.35
    assert len(shared) >= 6


def test_activity_is_weekday_heavy_with_joiners_and_leavers(built, community):
    _, commits = built
    humans = [c for c in commits if not community.person(c.author_id).is_bot]
    weekend = sum(c.author_date.weekday() >= 5 for c in humans) / len(humans)
    assert weekend < 0.12                               # weekends carry ~5% of the day weights
    first_month = {}
    for c in sorted(humans, key=lambda c: c.author_date):
        first_month.setdefault(c.author_id, c.author_date.strftime("%Y-%m"))
    assert len(set(first_month.values())) >= 15        # newcomers arrive throughout the history
    per_person = Counter(c.author_id for c in humans)
    top = sum(n for _, n in per_person.most_common(len(per_person) // 10))
    assert top / len(humans) >= 0.3                     # a few prolific cores, a long tail


def test_git_repositories_carry_trailers_merges_binary_rename_and_mailmap(built):
    config, commits = built
    git_root = config.parent / "git"
    assert len([d for d in git_root.iterdir() if (d / ".git").is_dir()]) >= 10
    log = _git(git_root / "meshnet", "log", "--format=%ae%x00%P%x00%B%x01")
    entries = [e.strip("\n").split("\x00") for e in log.split("\x01") if e.strip()]
    non_merges = [e for e in entries if len(e[1].split()) == 1]
    assert any(len(e[1].split()) == 2 for e in entries)
    with_change_id = sum("\nChange-Id: I" in e[2] for e in non_merges)
    assert with_change_id / len(non_merges) >= 0.85
    assert all("Signed-off-by: " in e[2] for e in non_merges    # meshnet requires sign-off (bots excepted)
               if not e[0].startswith("proposal-bot@"))
    assert any("Co-Authored-By: " in c.message for c in commits)
    numstat = _git(git_root / "glacier", "log", "--numstat", "--format=")
    assert "-\t-\tdoc/source/images/architecture.png" in numstat
    renames = _git(git_root / "nimbus", "log", "--name-status", "-M", "--diff-filter=R", "--format=")
    assert "nimbus/virt/libvirt_utils.py\tnimbus/virt/libvirt/utils.py" in renames
    mailmap = (git_root / "nimbus" / ".mailmap").read_text()
    assert "@localhost.localdomain>" in mailmap


def test_commit_records_match_the_repositories(built):
    config, commits = built
    by_repo = defaultdict(list)
    for c in commits:
        by_repo[c.repo].append(c)
    repo = config.parent / "git" / "strata"
    log = _git(repo, "log", "--format=%H %ae %aI", "master")
    seen = {line.split()[0]: line.split()[1:] for line in log.splitlines()}
    assert set(seen) == {c.sha for c in by_repo["strata"]}
    for c in by_repo["strata"]:
        assert seen[c.sha] == [c.author_email, c.author_date.isoformat()]
    change_ids = [c.change_id for c in commits if c.change_id]
    assert len(change_ids) == len(set(change_ids))


def test_same_seed_gives_identical_repositories_and_config(tmp_path, built):
    """A build in another process (other hash seed) writes the same shas and the same config."""
    config, _ = built
    script = ("import sys; from healthdash.demo import build; from healthdash.demo.git_history import git_part; "
              f"build(sys.argv[1], scale={SCALE}, collect=False, parts=[git_part])")
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "demo")], check=True,
                   env={**os.environ, "PYTHONHASHSEED": "4242"})
    again = tmp_path / "demo" / "healthdash.toml"
    assert again.read_text().replace(str(again.parent), "") == config.read_text().replace(str(config.parent), "")
    for repo in ("nimbus", "common.config", "meshnet"):
        assert _git(again.parent / "git" / repo, "rev-parse", "HEAD") == \
               _git(config.parent / "git" / repo, "rev-parse", "HEAD")


# --------------------------------------------------------------------------- config and pipeline

def test_config_loads_and_describes_the_community(built, community):
    config, _ = built
    settings = load_settings(config)
    assert set(settings.teams) == set(community.teams)
    assert len(settings.repos) == len(community.repos)
    assert all(Path(r.path, ".git").is_dir() for r in settings.repos.values())
    assert [r.name for r in settings.repos.values() if r.common_library]
    assert settings.warehouse == (config.parent.parent / "demo.duckdb").resolve() or \
        settings.warehouse.resolve() == (config.parent.parent / "demo.duckdb").resolve()
    assert len(settings.release_cycles) == len(community.cycles)
    assert settings.domains["ironclad.example"] == "Ironclad Storage"
    assert set(settings.raw["public_mail_domains"]) == set(community.public_mail_domains)
    assert settings.bot_patterns


def test_toml_writer_round_trips_quoted_keys_dates_and_table_arrays():
    import tomllib

    doc = {"warehouse": "../x.duckdb", "flag": True, "n": 3, "ratio": 0.5, "names": ["a", 'q"uote'],
           "repos": {"common.config": {"path": "git/common.config"}, "plain": {}},
           "release_cycles": [{"name": "2025.1 Cedar", "start": date(2025, 4, 2), "end": date(2025, 9, 30)}],
           "teams": [{"name": "T", "projects": [{"name": "p", "repos": ["r"]}]}]}
    assert tomllib.loads(dumps(doc)) == doc


def test_rebuild_refuses_to_wipe_a_folder_it_did_not_make(tmp_path):
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(ConfigError, match="not made by `healthdash demo`"):
        build(precious, collect=False, parts=[])
    assert (precious / "notes.txt").read_text() == "keep me"


def test_parts_see_the_server_and_add_sources(tmp_path):
    seen = {}

    def pages(ctx: DemoContext) -> None:
        ctx.server.add_route("/pages/", lambda path, query, headers: (
            200, {"Content-Type": "application/json"}, json.dumps({"path": path, "q": query}).encode()))
        seen["reply"] = requests.get(ctx.server.url + "/pages/one?x=1", timeout=5).json()
        ctx.add_source("coverage", name="demo-coverage", url=ctx.server.url + "/pages/", repo="nimbus")
        seen["rng"] = ctx.rng("pages").random()

    config = build(tmp_path / "demo", collect=False, parts=[pages])
    assert seen["reply"] == {"path": "/pages/one", "q": {"x": ["1"]}}
    settings = load_settings(config)
    assert settings.sources == [{"kind": "coverage", "name": "demo-coverage",
                                 "url": settings.sources[0]["url"], "repo": "nimbus"}]
    assert settings.sources[0]["url"].startswith("http://127.0.0.1:")
    rebuilt_rng = {}
    build(tmp_path / "demo", collect=False, parts=[lambda ctx: rebuilt_rng.setdefault("v", ctx.rng("pages").random())])
    assert rebuilt_rng["v"] == seen["rng"]


def test_git_part_is_the_first_registered_part():
    assert PARTS and PARTS[0].__name__ in ("_git_part", "git_part")


# --------------------------------------------------------------------------- the warehouse

@pytest.mark.skipif(not HAS_GIT_COLLECTOR, reason="collectors.git not written yet")
def test_warehouse_holds_every_commit_and_the_expected_organisations(built, community):
    config, commits = built
    settings = load_settings(config)
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sources WHERE last_error IS NOT NULL").fetchone()[0] == 0
        rows = con.execute("SELECT repo, sha FROM commits").fetchall()
        assert sorted(rows) == sorted((c.repo, c.sha) for c in commits)
        got = con.execute("SELECT team, org, count(*) FROM contributions WHERE kind = 'commit' AND NOT is_bot "
                          "GROUP BY ALL").fetchall()
        people = con.execute("SELECT count(DISTINCT person_id), count(DISTINCT org) FROM contributions "
                             "WHERE NOT is_bot AND NOT is_independent").fetchone()
        bots = con.execute("SELECT count(*) FROM contributions WHERE is_bot").fetchone()[0]
    # expected: organisation of each commit's author address by the config's domain map
    expected = Counter()
    for c in commits:
        if not c.is_merge and not community.person(c.author_id).is_bot:
            expected[(community.repos[c.repo].team, community.domain_org(c.author_email))] += 1
    assert {(t, o): n for t, o, n in got} == dict(expected)
    assert people[1] >= 10
    assert bots == sum(1 for c in commits if community.person(c.author_id).is_bot and not c.is_merge)
    per_team = defaultdict(Counter)
    for (team, org), n in expected.items():
        per_team[team][org] += n
    assert 0.80 <= max(_shares(per_team["Storage"]).values()) <= 0.92
    assert max(_shares(per_team["Shared libraries"]).values()) <= 0.35


@pytest.mark.skipif(not HAS_GIT_COLLECTOR, reason="collectors.git not written yet")
def test_warehouse_shows_people_independents_and_employer_changes(built, community):
    config, commits = built
    with duckdb.connect(str(load_settings(config).warehouse), read_only=True) as con:
        people, independents = con.execute(
            "SELECT count(DISTINCT person_id), count(DISTINCT person_id) FILTER (WHERE is_independent) "
            "FROM contributions WHERE NOT is_bot").fetchone()
        by_email = dict(con.execute(
            "SELECT lower(c.author_email), any_value(f.org) FROM contributions f "
            "JOIN commits c ON f.item_key = c.repo || '@' || c.sha GROUP BY 1").fetchall())
    assert people >= 60 and independents >= 5
    visible_movers = [p for p in community.people if p.changes_employer() and len(p.emails) == 2
                      and p.affiliations[0].evidence == "email-domain"]
    checked = 0
    for person in visible_movers:
        old, new = person.emails
        if old.address in by_email and new.address in by_email:
            when = new.valid_from
            assert by_email[old.address] == person.org_at(when - timedelta(days=1))
            assert by_email[new.address] == person.org_at(when)
            checked += 1
    assert checked >= 3


@pytest.mark.skipif(not HAS_GIT_COLLECTOR, reason="collectors.git not written yet")
def test_rebuilding_with_every_registered_part_replaces_the_warehouse_without_duplicates(tmp_path):
    """The end-to-end check: all of PARTS, collected twice into the same place."""
    demo_dir = tmp_path / "data" / "demo"
    config = build(demo_dir, scale=0.05)
    warehouse = load_settings(config).warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        first = con.execute("SELECT count(*), count(DISTINCT sha) FROM commits").fetchone()
        assert first[0] > 0
    build(demo_dir, scale=0.05)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT sha) FROM commits").fetchone() == first


# --------------------------------------------------------------------------- the local server

def test_demo_server_routes_by_longest_prefix_over_real_http():
    calls = []

    def api(path, query, headers):
        calls.append((path, query, headers.get("X-Test")))
        return 200, {"Content-Type": "application/json", "ETag": '"v1"'}, b'{"ok": true}'

    with DemoServer() as server:
        server.add_route("/api/", lambda *a: (200, {}, b"outer"))
        server.add_route("/api/changes/", api)
        server.add_route("/boom/", lambda *a: 1 / 0)
        assert server.url.startswith("http://127.0.0.1:")
        reply = requests.get(server.url + "/api/changes/?q=status:merged&o=A&o=B", headers={"X-Test": "yes"},
                             timeout=5)
        assert reply.status_code == 200 and reply.json() == {"ok": True} and reply.headers["ETag"] == '"v1"'
        assert calls == [("/api/changes/", {"q": ["status:merged"], "o": ["A", "B"]}, "yes")]
        assert requests.get(server.url + "/api/other", timeout=5).text == "outer"
        missing = requests.get(server.url + "/nothing", timeout=5)
        assert missing.status_code == 404 and "/nothing" in missing.text
        broken = requests.get(server.url + "/boom/x", timeout=5)
        assert broken.status_code == 500 and "ZeroDivisionError" in broken.text
        url = server.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/api/", timeout=2)


def test_team_helpers_for_later_generators(community):
    day = date(2025, 6, 2)
    for team in community.teams:
        cores = community.cores(team, day)
        assert cores and all(p.active_on(day) and p.role in ("anchor", "core") for p in cores)
        assert set(p.person_id for p in cores) <= {p.person_id for p in community.active_members(team, day)}
    person = next(p for p in community.people if len(p.emails) == 2)
    assert community.person_by_email(person.emails[0].address.upper()) is person
    assert community.person_by_email("nobody@nowhere.example") is None
