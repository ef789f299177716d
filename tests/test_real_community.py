"""OpenStack end to end (issue 9, item 9): real histories, real governance and affiliation files.

The two real repositories (../shared/data/openstack/repos/*.bundle) are cloned,
configured only through ``healthdash init`` from the real projects.yaml,
series_status.yaml and Stackalytics default_data.json, collected with the real
CLI, and the warehouse's organisations per year, bots and independents are
compared with figures this test computes by itself from ``git log`` and the
JSON file, following the documented rules (README "Affiliation data"):

1. a person period from the file (end_date exclusive, sorted, ``*independent``
   after a last end date) — except that after the file's last dated change
   (its newest end_date) an open-ended period yields to the commit's own email
   domain when that domain maps to another company;
2. a public mail provider -> Independent;
3. the companies' email domains, longest suffix first;
4. otherwise "<domain> (unmapped)".
A person is every address ``.mailmap`` or a Stackalytics user ties together.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest

from healthdash.identity.bots import DEFAULT_BOT_PATTERNS, matching_pattern
from healthdash.warehouse.identity_load import PUBLIC_MAIL_DOMAINS
from conftest import SHARED_DATA, init_openstack_settings, needs_shared

pytestmark = needs_shared
OPENSTACK = SHARED_DATA / "openstack"
INDEPENDENT_NAMES = {"*independent", "independent", "self", "self employed", "unaffiliated", "individual", "n/a"}


def _end(value):
    return datetime.strptime(value, "%Y-%b-%d").date() if value else None


def stackalytics():
    """(email -> user index, users' periods, domain -> company, data_until) straight from the JSON."""
    data = json.loads((OPENSTACK / "stackalytics-default_data.json").read_text("utf-8"))
    aliases = {}
    domains = {}
    for company in data["companies"]:
        name = company["company_name"]
        for alias in company.get("aliases") or []:
            aliases[alias.strip().lower()] = name
        if name != "*independent":
            for domain in company.get("domains") or []:
                if domain.strip():
                    domains.setdefault(domain.strip().lower(), name)
    by_email, periods, ends = {}, [], []
    for index, user in enumerate(data["users"]):
        for email in user["emails"]:
            by_email.setdefault(email.strip().lower(), index)
        entries = sorted(((c["company_name"], _end(c.get("end_date"))) for c in user.get("companies") or []),
                         key=lambda e: (e[1] is None, e[1] or date.min))
        chain, start = [], date(1970, 1, 1)
        for org, until in entries:
            if until is not None and until <= start:
                continue
            chain.append((org, start, until))
            if until is None:
                break
            start = until
        if chain and chain[-1][2] is not None:
            chain.append(("*independent", chain[-1][2], None))
        periods.append([(_org(o, aliases), s, e) for o, s, e in chain])
        ends += [e for _, _, e in chain if e]
    return by_email, periods, domains, max(ends)


def _org(name: str, aliases: dict[str, str]) -> str:
    name = " ".join(name.split())
    canonical = aliases.get(name.lower(), name)
    return "Independent" if canonical.lower() in INDEPENDENT_NAMES else canonical


def _suffix_lookup(domain: str, table) -> str | None:
    parts = domain.split(".")
    for k in range(len(parts)):
        if ".".join(parts[k:]) in table:
            return table if isinstance(table, set) else table[".".join(parts[k:])]
    return None


def expected_commits(clone: Path, facts):
    """(year, org) -> non-merge commits by humans, and bot commits, computed from git log and the JSON."""
    by_email, periods, domains, until = facts
    public = set(PUBLIC_MAIL_DOMAINS)
    out = subprocess.run(["git", "-C", str(clone), "log", "--no-merges", "--format=%an%x00%ae%x00%aE%x00%aI"],
                         capture_output=True, text=True, check=True).stdout
    per_year, bots = Counter(), 0
    mailmap_groups = defaultdict(set)
    rows = [line.split("\0") for line in out.splitlines()]
    for _, raw, mapped, _ in rows:
        mailmap_groups[mapped.lower()].add(raw.lower())
    for name, raw, mapped, when in rows:
        if matching_pattern((name, raw), DEFAULT_BOT_PATTERNS):
            bots += 1
            continue
        day = _utc_day(when)
        emails = {raw.lower(), mapped.lower()} | mailmap_groups[mapped.lower()]
        users = {by_email[e] for e in emails if e in by_email}
        domain = raw.lower().rsplit("@", 1)[-1]
        mapped_org = None if _suffix_lookup(domain, public) else _suffix_lookup(domain, domains)
        org = None
        for user in sorted(users)[:1]:
            for company, start, end in periods[user]:
                if start <= day and (end is None or day < end):
                    stale = end is None and day > until and mapped_org is not None and mapped_org != company
                    org = None if stale else company
        if org is None:
            if _suffix_lookup(domain, public):
                org = "Independent"
            elif mapped_org:
                org = mapped_org
            else:
                org = f"{domain} (unmapped)"
        per_year[(day.year, org)] += 1
    return per_year, bots


def _utc_day(stamp: str) -> date:
    return datetime.fromisoformat(stamp).astimezone(timezone.utc).date()


@pytest.fixture(scope="module")
def community(openstack_clones, tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    config = init_openstack_settings(root / "healthdash.toml", openstack_clones)
    collect = subprocess.run([sys.executable, "-m", "healthdash.cli", "collect", "--config", str(config)],
                             capture_output=True, text=True)
    assert collect.returncode == 0, collect.stderr
    return config, root / "data" / "healthdash.duckdb", openstack_clones


def _query(path: Path, sql: str, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_init_configured_exactly_the_two_local_repositories(community):
    config, _, clones = community
    text = config.read_text()
    assert '[repos."openstack/python-swiftclient"]' in text and '[repos."openstack/oslo.i18n"]' in text
    assert text.count("[repos.") == 2
    assert "stackalytics-default_data.json" in text


@pytest.mark.parametrize("repo", ["python-swiftclient", "oslo.i18n"])
def test_organisations_per_year_equal_an_independent_computation(community, repo):
    _, warehouse, clones = community
    expected, expected_bots = expected_commits(clones[repo], stackalytics())
    got = Counter({(int(y), org): n for y, org, n in _query(warehouse, (
        "SELECT year(ts), org, count(*) FROM contribution_facts WHERE kind = 'commit' AND repo = ? "
        "AND NOT is_bot GROUP BY ALL"), [f"openstack/{repo}"])})
    bots = _query(warehouse, "SELECT count(*) FROM contribution_facts WHERE kind = 'commit' AND repo = ? "
                             "AND is_bot", [f"openstack/{repo}"])[0][0]
    assert bots == expected_bots > 0
    diff = {k: (got[k], expected[k]) for k in set(got) | set(expected) if got[k] != expected[k]}
    assert diff == {}
    # top organisations per year, and independents, say the same thing
    for year in sorted({y for y, _ in expected}):
        top = sorted(((n, o) for (y, o), n in expected.items() if y == year), reverse=True)[:3]
        assert sorted(((n, o) for (y, o), n in got.items() if y == year), reverse=True)[:3] == top
    assert sum(n for (_, o), n in got.items() if o == "Independent") == \
        sum(n for (_, o), n in expected.items() if o == "Independent")


def test_swiftclient_has_believable_organisations(community):
    _, warehouse, _ = community
    rows = _query(warehouse, "SELECT org, count(*) AS n FROM contribution_facts WHERE kind = 'commit' "
                             "AND repo = 'openstack/python-swiftclient' AND NOT is_bot GROUP BY org ORDER BY n DESC")
    orgs = [org for org, _ in rows[:8]]
    assert {"Red Hat", "SwiftStack", "Rackspace"} <= set(orgs)
    independent = sum(n for org, n in rows if org == "Independent") / sum(n for _, n in rows)
    assert independent < 0.3


def test_status_gives_the_attribution_shares_for_the_filters(community):
    config, warehouse, _ = community
    for query, where in (("", ""), ("repo=openstack/oslo.i18n", "WHERE repo = 'openstack/oslo.i18n'")):
        out = subprocess.run([sys.executable, "-m", "healthdash.cli", "status", "--config", str(config),
                              "--filter", query], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        line = next(x for x in out.stdout.splitlines() if x.startswith("attribution of "))
        counts = dict(_query(warehouse, f"SELECT attribution_rule, count(*) FROM contribution_facts {where} GROUP BY 1"))
        total = sum(counts.values())
        assert line.startswith(f"attribution of {total:,} contributions (bots included): ")
        for rule, n in counts.items():
            assert f"{rule} {n / total:.1%}" in line
        assert "affiliation period" in line and "bot" in line


def test_the_organisation_dropdown_finds_a_company_beyond_the_first_hundred(community):
    """The real file names hundreds of organisations: the dropdown holds the first 100 and the server
    finds any other by what is typed (healthdash.dashboard.components.listed / searched_options).
    Expected: the companies read straight from the JSON."""
    from healthdash.dashboard import callbacks as cb
    from healthdash.dashboard.components import MAX_LISTED
    from healthdash.dashboard.data import Warehouse
    from healthdash.settings import Settings

    data = json.loads((OPENSTACK / "stackalytics-default_data.json").read_text("utf-8"))
    aliases = {a.strip().lower(): c["company_name"] for c in data["companies"] for a in c.get("aliases") or []}
    _, periods, domains, _ = stackalytics()          # a domain belongs to the first company naming it
    owners = {_org(company, aliases) for company in domains.values()}
    every = owners | {org for person in periods for org, _, _ in person} | {
        _org(c["company_name"], aliases) for c in data["companies"]} | {"Independent"}
    _, warehouse, _ = community
    context = cb.DashboardContext(Settings(path=None, warehouse=warehouse), Warehouse(warehouse))
    offered = cb.choices(context)["org"]
    # every company owning a domain is offered, and nothing the file does not name
    # (employers are offered for the people these two histories hold)
    assert owners <= set(offered) <= every
    assert len(offered) > MAX_LISTED
    late = offered[-1]                                  # not among the 100 the page carries
    assert late not in [o["value"] for o in cb.option_list(cb.listed(offered))]
    typed = late[len(late) // 3:][:6]
    found = [o["value"] for o in cb.searched_options(context, "org", typed.upper(), None, "")]
    assert found == [n for n in offered if typed.casefold() in n.casefold()][:MAX_LISTED] and late in found
