"""A warehouse at the size of the largest communities, through the real schema and loaders.

``python benchmarks/generate_warehouse.py OUT.duckdb [--scale 1.0] [--seed 1]`` writes, in a
few minutes, a warehouse shaped like the demo community but ~200x larger (scale 1.0):

* 20,000 people (a few bots, independents on public mail, people on unmapped corporate
  domains, one in eight changing employer once) in 300 organisations whose sizes follow a
  steep power law, so a handful of vendors dominate as in real communities;
* 60 teams, 400 projects, 2,000 repositories (30 common libraries), 20 release cycles;
* ~1,050,000 commits over 10 years (~2.2M files changed), most of them landed through
  one of 300,000 Gerrit changes (~1.9M review votes: Code-Review, Workflow, CI Verified;
  ~1.27M review messages: CI reports, rechecks and ~275k reviewers' first comments);
* 200,000 Launchpad bugs (2% security, a few private), ~250 advisories naming them,
  coverage reports of 300 repositories monthly for 5 years with per-file rows;
* what the git collector reads at each head: dependencies (common libraries adopted unevenly,
  a few specifiers excluding the constraint), imports, hashed code windows (some shared, so
  duplicate blocks form), convention checks; global requirements, constraints and a driver
  feature matrix with holes.

Rows are generated column-wise by DuckDB (hash-based, so a seed gives the same warehouse)
in a scratch in-memory database, handed over as Arrow/polars frames and written by the
warehouse's own loaders (``load.upsert`` in collector-sized batches, ``store_imported`` for
affiliation files, ``rebuild_people`` for the identity layer); the derived tables are
rebuilt at the end of the write session exactly as after a collection.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collectors.base import identity_id  # noqa: E402
from healthdash.identity.records import DomainRow, Imported, Period  # noqa: E402
from healthdash.warehouse import load, writer  # noqa: E402
from healthdash.warehouse.identity_load import rebuild_people, store_imported  # noqa: E402

BATCH_ROWS = 250_000
START = datetime(2016, 12, 1, tzinfo=timezone.utc)
YEARS = 10
FULL = {"people": 20_000, "orgs": 300, "teams": 60, "projects": 400, "repos": 2_000, "commits": 1_050_000,
        "changes": 300_000, "bugs": 200_000, "coverage_repos": 300}
MINIMUM = {"people": 60, "orgs": 8, "teams": 3, "projects": 6, "repos": 8, "commits": 600,
           "changes": 300, "bugs": 200, "coverage_repos": 4}
BOT_NAMES = ["zuul", "proposal-bot", "ci-bot[bot]", "release-bot", "translation-bot"]
PUBLIC_DOMAINS = ["gmail.com", "yahoo.com", "hotmail.com", "users.noreply.github.com"]
ORG_WORDS = ("Redwave Ironclad Bluepeak Corvid Helix Quarry Tessellate Orchard Lumen Kestrel Polaris "
             "Saffron Northwind Granite Cobalt Meridian Juniper Falcon Summit Harbor").split()
ORG_KINDS = "Cloud Storage Networks Computing Hosting Data Labs Telecom Systems Software University Group " \
            "Technologies Digital Research".split()


def sizes(scale: float) -> dict[str, int]:
    return {k: max(MINIMUM[k], round(v * scale)) for k, v in FULL.items()}


def org_names(count: int) -> list[str]:
    names = [f"{w} {k}" for k in ORG_KINDS for w in ORG_WORDS]
    return [names[i] if i < len(names) else f"Org {i}" for i in range(count)]


# --------------------------------------------------------------------------- people

def people_frame(n: dict[str, int], seed: int) -> tuple[pl.DataFrame, list[Period], list[DomainRow]]:
    """One row per person with their git / Gerrit / Launchpad identities; affiliation periods and
    the domain map as an affiliation file would give them."""
    scratch = duckdb.connect()
    orgs = org_names(n["orgs"])
    bots = len(BOT_NAMES)
    humans = n["people"] - bots
    # org of each human: a steep power law (org 0 biggest); 14% public mail, 3% unmapped domains
    rows = scratch.execute(f"""
        SELECT i AS p,
               (hash(i, {seed}, 1) % 1000) / 1000.0 AS kind_roll,
               least({n['orgs'] - 1}, floor({n['orgs']} * pow((hash(i, {seed}, 2) % 100000) / 100000.0, 3.2)))::INT AS org,
               least({n['orgs'] - 1}, floor({n['orgs']} * pow((hash(i, {seed}, 3) % 100000) / 100000.0, 2.5)))::INT AS org2,
               DATE '2018-01-01' + CAST(hash(i, {seed}, 4) % 3000 AS INT) AS switch_day
        FROM range({humans}) t(i)""").fetchall()
    people, periods = [], []
    for p, roll, org, org2, switch in rows:
        name = f"Dev {p:05d}"
        if roll < 0.14:
            email, org_name = f"dev{p}@{PUBLIC_DOMAINS[p % len(PUBLIC_DOMAINS)]}", None
        elif roll < 0.17:
            email, org_name = f"dev{p}@corp{p % 97}.unmapped.example", None
        else:
            email, org_name = f"dev{p}@{_domain(org)}", orgs[org]
        people.append((p, name, email, f"dev{p}", False))
        if org_name is not None and roll > 0.875 and org2 != org:      # one in eight changes employer
            periods.append(Period(f"e:{email}", org_name, date(1970, 1, 1), switch, "generated: before the move"))
            periods.append(Period(f"e:{email}", orgs[org2], switch, None, "generated: after the move"))
    for b, bot in enumerate(BOT_NAMES):
        people.append((humans + b, bot, f"{bot}@infra.example", bot, True))
    domains = [DomainRow(_domain(k), orgs[k]) for k in range(n["orgs"])]
    domains += [DomainRow("us." + _domain(k), orgs[k]) for k in range(0, n["orgs"], 10)]
    frame = pl.DataFrame(people, schema=["p", "name", "email", "username", "is_bot"], orient="row")
    frame = frame.with_columns(
        git_id=pl.struct("name", "email").map_elements(
            lambda r: identity_id("git", email=r["email"], name=r["name"]), return_dtype=pl.String),
        gerrit_id=pl.col("p").map_elements(lambda p: identity_id("gerrit", account_id=str(100000 + p)),
                                           return_dtype=pl.String),
        lp_id=pl.col("username").map_elements(lambda u: identity_id("launchpad", username=u),
                                              return_dtype=pl.String))
    return frame, periods, domains


def _domain(org: int) -> str:
    return f"org{org:03d}.example"


def identities_frame(people: pl.DataFrame) -> pl.DataFrame:
    git = people.select(identity_id="git_id", source=pl.lit("git"), name="name", email="email",
                        username=pl.lit(None, pl.String), account_id=pl.lit(None, pl.String))
    gerrit = people.select(identity_id="gerrit_id", source=pl.lit("gerrit"), name="name", email="email",
                           username="username", account_id=(pl.col("p") + 100000).cast(pl.String))
    launchpad = people.select(identity_id="lp_id", source=pl.lit("launchpad"), name="name",
                              email="email", username="username",
                              account_id=pl.lit(None, pl.String))
    return pl.concat([git, gerrit, launchpad])


# --------------------------------------------------------------------------- activity (scratch DuckDB)

SETUP = """
CREATE MACRO u(i, salt) AS (hash(i, {seed}, salt) % 1000003) / 1000003.0;
CREATE MACRO skew(i, salt, n, k) AS least(n - 1, floor(n * pow(u(i, salt), k)))::INT;
CREATE MACRO at_frac(x) AS TIMESTAMPTZ '{start}' + to_seconds(CAST(x * {span} AS BIGINT));
"""


def scratch_db(people: pl.DataFrame, n: dict[str, int], seed: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    span = YEARS * 365.25 * 86400
    con.execute(SETUP.format(seed=seed, start=START.isoformat(), span=span))
    con.register("people_src", people.to_arrow())
    humans = n["people"] - len(BOT_NAMES)
    con.execute(f"""
        CREATE TABLE ppl AS SELECT * FROM people_src;
        CREATE TABLE repo_list AS
            SELECT r, 'repo-' || lpad(r::VARCHAR, 4, '0') AS repo,
                   'project-' || lpad((r % {n['projects']})::VARCHAR, 3, '0') AS project
            FROM range({n['repos']}) t(r);
        -- activity per repo follows a power law too: a few repos take most commits
        CREATE MACRO pick_repo(i, salt) AS skew(i, salt, {n['repos']}, 2.0);
        -- a contributor: mostly a human (top people do most of the work), 2% a bot
        CREATE MACRO pick_person(i, salt) AS CASE WHEN u(i, salt + 100) < 0.02
            THEN {humans} + (hash(i, salt) % {len(BOT_NAMES)})::INT ELSE skew(i, salt, {humans}, 2.6) END;
        CREATE MACRO when_at(i, salt) AS at_frac(pow(u(i, salt), 0.8));
    """)
    return con


CHANGES = """
CREATE TABLE gen_changes AS
SELECT k, r.repo, p.gerrit_id AS owner, p.p AS owner_p, created,
       CASE WHEN roll < 0.75 THEN 'MERGED' WHEN roll < 0.83 THEN 'ABANDONED'
            WHEN created > TIMESTAMPTZ '{start}' + INTERVAL 8 YEAR THEN 'NEW' ELSE 'ABANDONED' END AS status,
       1 + (hash(k, {seed}, 21) % 5)::INT AS patch_sets,
       created + to_seconds(CAST(3600 * (2 + 400 * pow(u(k, 22), 3)) AS BIGINT)) AS first_review,
       created + to_seconds(CAST(86400 * (0.5 + 40 * pow(u(k, 23), 3)) AS BIGINT)) AS done_at,
       'I' || md5('change' || k) AS change_id
FROM (SELECT k, pick_repo(k, 24) AS rr, pick_person(k, 25) AS pp, when_at(k, 26) AS created, u(k, 27) AS roll
      FROM range({changes}) t(k)) c
JOIN repo_list r ON r.r = c.rr JOIN ppl p ON p.p = c.pp
"""


def frames_changes(con, n, seed):
    con.execute(CHANGES.format(start=START.isoformat(), seed=seed, changes=n["changes"]))
    yield "changes", f"""
        SELECT 'gerrit' AS source, 'repo~master~' || change_id AS change_key, repo, 1000 + k AS number,
               change_id, owner AS owner_identity, 'master' AS branch, status, created,
               greatest(done_at, first_review) AS updated,
               CASE WHEN status = 'MERGED' THEN done_at END AS submitted, patch_sets,
               'Change ' || k AS subject, false AS is_draft
        FROM gen_changes"""
    # Code-Review from 1-5 reviewers (value by roll; +2 from a core), Workflow +1 by the last
    # core, CI Verified on every patch set (one in six fails)
    yield "review_votes", f"""
        WITH rv AS (
            SELECT c.*, j, pick_person(k * 8 + j, 31) AS rp, u(k * 8 + j, 32) AS roll
            FROM gen_changes c, range(1 + (hash(k, {seed}, 30) % 5)::INT) t(j)
        )
        SELECT 'gerrit' AS source, 'repo~master~' || change_id AS change_key, p.gerrit_id AS reviewer_identity,
               least(patch_sets, 1 + j)::INT AS patch_set, 'Code-Review' AS label,
               first_review + to_seconds(j * 7200) AS voted_at,
               (CASE WHEN roll < 0.12 THEN -1 WHEN roll < 0.6 THEN 1 ELSE 2 END)::INT AS value, false AS is_ci
        FROM rv JOIN ppl p ON p.p = rv.rp
        WHERE rv.rp <> rv.owner_p
        UNION ALL
        SELECT 'gerrit', 'repo~master~' || change_id, (SELECT gerrit_id FROM ppl WHERE name = 'zuul'),
               ps::INT, 'Verified', created + to_seconds(ps * 5400),
               (CASE WHEN u(k * 8 + ps, 33) < 0.16 THEN -1 ELSE 1 END)::INT, true
        FROM gen_changes, range(1, patch_sets + 1) t(ps)
        UNION ALL
        SELECT 'gerrit', 'repo~master~' || change_id, p.gerrit_id, patch_sets, 'Workflow',
               done_at - INTERVAL 1 HOUR, 1, false
        FROM gen_changes JOIN ppl p ON p.p = pick_person(k, 34)
        WHERE status = 'MERGED'"""
    yield "review_messages", f"""
        SELECT 'gerrit' AS source, 'repo~master~' || change_id AS change_key, 'ci-' || k || '-' || ps AS message_id,
               (SELECT gerrit_id FROM ppl WHERE name = 'zuul') AS author_identity,
               created + to_seconds(ps * 5400) AS posted_at, ps::INT AS patch_set, true AS is_ci,
               false AS is_recheck, 'autogenerated:zuul' AS tag
        FROM gen_changes, range(1, patch_sets + 1) t(ps)
        UNION ALL
        SELECT 'gerrit', 'repo~master~' || change_id, 'recheck-' || k, owner, created + INTERVAL 3 HOUR, 1,
               false, true, NULL
        FROM gen_changes WHERE u(k, 35) < 0.3
        UNION ALL      -- most changes get a reviewer's first comment (time to first review)
        SELECT 'gerrit', 'repo~master~' || change_id, 'review-' || k, p.gerrit_id, first_review, 1,
               false, false, NULL
        FROM gen_changes JOIN ppl p ON p.p = pick_person(k, 36)
        WHERE u(k, 37) < 0.92 AND p.p <> owner_p"""


def frames_commits(con, n, seed):
    """Four in five commits land a change (its owner, repo and Change-Id); the rest are direct
    pushes, 4% merges."""
    yield "commits", f"""
        WITH c AS (
            SELECT i, u(i, 40) AS roll, (hash(i, {seed}, 41) % {n['changes']})::INT AS k,
                   pick_repo(i, 42) AS rr, pick_person(i, 43) AS pp, when_at(i, 44) AS ts
            FROM range({n['commits']}) t(i)
        )
        SELECT coalesce(ch.repo, r.repo) AS repo, md5('commit' || c.i) AS sha,
               [md5('commit' || (c.i - 1))] AS parents, c.roll >= 0.96 AS is_merge,
               p.git_id AS author_identity, p.name AS author_name, p.email AS author_email,
               coalesce(ch.done_at - INTERVAL 2 HOUR, c.ts) AS author_date, 0::SMALLINT AS author_tz_minutes,
               p.git_id AS committer_identity, p.name AS committer_name, p.email AS committer_email,
               coalesce(ch.done_at, c.ts) AS commit_date, 0::SMALLINT AS commit_tz_minutes,
               'Commit ' || c.i AS subject, ch.change_id,
               CASE WHEN c.roll >= 0.96 THEN NULL ELSE 1 + (hash(c.i, {seed}, 45) % 3)::INT END AS files,
               CASE WHEN c.roll >= 0.96 THEN NULL ELSE (hash(c.i, {seed}, 46) % 120)::INT END AS added,
               CASE WHEN c.roll >= 0.96 THEN NULL ELSE (hash(c.i, {seed}, 47) % 60)::INT END AS removed,
               'git:' || coalesce(ch.repo, r.repo) AS source_id
        FROM c
        LEFT JOIN gen_changes ch ON c.roll < 0.8 AND ch.k = c.k AND ch.status = 'MERGED'
        JOIN repo_list r ON r.r = c.rr
        JOIN ppl p ON p.p = coalesce(ch.owner_p, c.pp)"""


def commit_files_sql(seed):
    return f"""
        SELECT repo, sha, CASE WHEN hash(sha, f) % 3 = 0 THEN 'tests/unit/test_mod' || (hash(sha, f) % 40) || '.py'
                               ELSE 'pkg/mod' || (hash(sha, f, {seed}) % 200) || '.py' END AS path,
               (hash(sha, f, 1) % 80)::INT AS added, (hash(sha, f, 2) % 40)::INT AS removed
        FROM commits_out, range(files) t(f)
        WHERE files IS NOT NULL"""


def frames_bugs(con, n, seed):
    yield "bugs", f"""
        WITH b AS (
            SELECT i, u(i, 50) AS roll, u(i, 51) AS sec, when_at(i, 52) AS created,
                   pick_person(i, 53) AS rp, pick_person(i, 54) AS ap, pick_repo(i, 55) AS rr
            FROM range({n['bugs']}) t(i)
        )
        SELECT 'launchpad' AS source, 'lp-' || (2000000 + i) || '/' || r.project AS bug_key,
               (2000000 + i)::VARCHAR AS bug_id, r.project,
               CASE WHEN sec < 0.001 THEN NULL ELSE 'Bug ' || i END AS title,
               CASE WHEN roll < 0.18 THEN 'New' WHEN roll < 0.3 THEN 'Confirmed' WHEN roll < 0.38 THEN 'Triaged'
                    WHEN roll < 0.43 THEN 'In Progress' WHEN roll < 0.55 THEN 'Fix Committed'
                    WHEN roll < 0.8 THEN 'Fix Released' WHEN roll < 0.9 THEN 'Invalid' ELSE 'Won''t Fix' END AS status,
               ['Undecided', 'Low', 'Medium', 'High', 'Critical'][1 + (hash(i, {seed}, 56) % 5)::INT] AS importance,
               created,
               CASE WHEN roll >= 0.18 THEN created + to_seconds(CAST(86400 * 60 * pow(u(i, 57), 3) AS BIGINT)) END AS triaged,
               CASE WHEN roll >= 0.43 AND roll < 0.8
                    THEN created + to_seconds(CAST(86400 * (1 + 300 * pow(u(i, 58), 2)) AS BIGINT)) END AS fix_committed,
               CASE WHEN roll >= 0.8 THEN created + to_seconds(CAST(86400 * 90 * u(i, 59) AS BIGINT)) END AS closed,
               created + INTERVAL 1 DAY AS updated,
               sec < 0.02 AS is_security, sec < 0.001 AS is_private,
               CASE WHEN sec < 0.001 THEN 'Private Security' WHEN sec < 0.02 THEN 'Public Security'
                    ELSE 'Public' END AS information_type,
               rep.lp_id AS reporter_identity,
               CASE WHEN roll >= 0.38 AND roll < 0.8 THEN asg.lp_id END AS assignee_identity,
               CASE WHEN sec < 0.02 THEN ['security'] ELSE [] END AS tags,
               CASE WHEN sec < 0.001 THEN NULL ELSE 'https://bugs.example/' || (2000000 + i) END AS web_link,
               'launchpad:bugs' AS source_id
        FROM b JOIN repo_list r ON r.r = b.rr JOIN ppl rep ON rep.p = b.rp JOIN ppl asg ON asg.p = b.ap"""


def frames_quality(con, n, seed):
    yield "coverage_reports", f"""
        SELECT r.repo, md5(r.repo || m) AS fingerprint,
               TIMESTAMPTZ '{START.isoformat()}' + INTERVAL 5 YEAR + to_days(CAST(m * 30 AS INT)) AS measured_at,
               'report' AS time_source, 'coverage.py' AS tool, '7.4' AS tool_version, 'coverage-json' AS format,
               10000 + (hash(r.r, {seed}) % 40000)::BIGINT + m * 50 AS lines_valid,
               CAST((10000 + (hash(r.r, {seed}) % 40000) + m * 50)
                    * least(1.0, 0.55 + 0.35 * u(r.r, 60) + 0.002 * m) AS BIGINT) AS lines_covered,
               10 AS files, 'generated' AS origin, 'coverage:' || r.repo AS source_id
        FROM repo_list r, range(60) t(m)
        WHERE r.r < {n['coverage_repos']}"""
    yield "coverage_files", f"""
        SELECT c.repo, c.fingerprint, 'pkg/mod' || f || '.py' AS path, c.measured_at, c.tool,
               (c.lines_valid // 10)::BIGINT AS lines_valid,
               CAST(c.lines_valid // 10 * least(1.0, u(hash(c.fingerprint), f) + 0.3) AS BIGINT) AS lines_covered
        FROM coverage_out c, range(10) t(f)"""


#: Convention checks (schema 0015's convention_checks) and a base pass rate each; the security
#: page's dependency_constraints hygiene check rides along.
CHECKS = {"licence": 0.98, "readme": 0.95, "contributing": 0.7, "tests": 0.85, "docs": 0.6, "release_notes": 0.5,
          "ci_config": 0.9, "python_versions": 0.55, "lint_config": 0.65, "security_policy": 0.4,
          "uses_common_config": 0.6, "uses_common_logging": 0.7, "manifests_readable": 0.97,
          "dependency_constraints": 0.75}
CAPTURED = "TIMESTAMPTZ '2026-11-01'"


def frames_content(con, n, seed):
    """What the git collector reads at each repository's head: size, dependencies (common libraries
    adopted unevenly by team, a few pinned outside the constraints), imports, hashed code windows
    (a few shared across repositories, so duplicate blocks form), convention checks; plus the
    community's global requirements, constraints and a driver feature matrix with holes."""
    commons = max(1, n["repos"] * 30 // 2000)
    shared_blocks = max(4, n["repos"] * 3 // 100)      # copied 8-window blocks, each in several repos
    con.execute(f"""
        CREATE OR REPLACE TABLE libs AS
            SELECT r AS lib_r, repo AS lib FROM repo_list WHERE r >= {n['repos']} - {commons};
        CREATE OR REPLACE TABLE pool AS
            SELECT d, 'dep-' || lpad(d::VARCHAR, 3, '0') AS name, 1 + (hash(d, {seed}, 80) % 5)::INT AS major
            FROM range(300) t(d);
        CREATE OR REPLACE TABLE team_bias AS      -- how keen each project is on the common libraries
            SELECT project, 0.25 + 0.7 * u(hash(project), 81) AS keen FROM (SELECT DISTINCT project FROM repo_list)""")
    yield "repo_content", f"""
        SELECT repo, md5('head' || repo) AS head, md5('tree' || repo) AS tree, {CAPTURED} AS captured_at,
               (40 + hash(r, {seed}, 82) % 900)::INTEGER AS files, (20 + hash(r, {seed}, 83) % 400)::INTEGER AS python_files,
               (500 + hash(r, {seed}, 84) % 1500)::INTEGER AS python_lines
        FROM repo_list"""
    yield "dependencies", f"""
        SELECT r.repo, CASE WHEN kind = 'test' THEN 'test-requirements.txt' ELSE 'requirements.txt' END AS file,
               name, specifier, kind, line, {CAPTURED} AS captured_at
        FROM (
            SELECT r.r, l.lib AS name, '>=' || (1 + hash(r.r, l.lib_r, 85) % 3) || '.0' AS specifier,
                   CASE WHEN u(hash(r.r, l.lib_r), 86) < 0.15 THEN 'test' ELSE 'runtime' END AS kind,
                   (l.lib_r % 50)::INTEGER + 1 AS line
            FROM repo_list r JOIN team_bias b USING (project) CROSS JOIN libs l
            WHERE r.repo <> l.lib AND u(hash(r.r, l.lib_r), 87) < b.keen * 0.8
            UNION ALL
            SELECT r.r, p.name,
                   CASE WHEN u(hash(r.r, p.d), 88) < 0.02 THEN '<' || p.major || '.0'      -- excludes the constraint
                        ELSE '>=' || greatest(1, p.major - 1) || '.0' END AS specifier,
                   CASE WHEN p.d % 7 = 0 THEN 'test' ELSE 'runtime' END AS kind, (50 + p.d)::INTEGER AS line
            FROM repo_list r JOIN pool p ON hash(r.r, p.d, {seed}, 89) % 25 = 0
        ) d JOIN repo_list r ON r.r = d.r"""
    yield "repo_imports", f"""
        SELECT r.repo, replace(l.lib, '-', '_') AS module, (1 + hash(r.r, l.lib_r, 90) % 40)::INTEGER AS files
        FROM repo_list r JOIN team_bias b USING (project) CROSS JOIN libs l
        WHERE r.repo <> l.lib AND u(hash(r.r, l.lib_r), 91) < b.keen * 0.85"""
    yield "code_windows", f"""
        SELECT repo, 'pkg/mod' || (w // 40) || '.py' AS path, (1 + 3 * w)::INTEGER AS start_line,
               (6 + 3 * w)::INTEGER AS end_line,
               (CASE WHEN u(hash(r, w // 8), 92) < 0.08 THEN hash('shared', (hash(r, w // 8) % {shared_blocks}) * 8 + w % 8)
                    ELSE hash(r, w, {seed}, 93) END >> 1)::BIGINT AS hash
        FROM repo_list, range(160) t(w)"""
    yield "global_requirements", f"""
        SELECT 'global-requirements' AS source, name, '>=' || greatest(1, major - 1) || '.0' AS specifier,
               (d + 1)::INTEGER AS line FROM pool
        UNION ALL SELECT 'global-requirements', lib, '>=1.0', (300 + lib_r % 100)::INTEGER FROM libs"""
    yield "constraints", f"""
        SELECT 'upper-constraints' AS source, name, major || '.' || (hash(d, 94) % 10) || '.0' AS version,
               (d + 1)::INTEGER AS line FROM pool
        UNION ALL SELECT 'upper-constraints', lib, '3.' || (lib_r % 10) || '.0', (300 + lib_r % 100)::INTEGER FROM libs"""
    yield "common_libraries", """SELECT lib AS name, lib AS label, 'repo' AS origin FROM libs"""
    checks = ", ".join(f"('{name}', {rate})" for name, rate in CHECKS.items())
    yield "repo_checks", f"""
        SELECT r.repo, check_name, {CAPTURED} AS captured_at,
               u(hash(r.r, check_name), {seed} + 95) < least(0.99, rate * (0.6 + 0.5 * b.keen)) AS passed,
               NULL AS detail
        FROM repo_list r JOIN team_bias b USING (project) CROSS JOIN (VALUES {checks}) v(check_name, rate)"""
    yield "feature_matrix", f"""
        SELECT 'compute-drivers' AS matrix, 'feature-' || lpad(f::VARCHAR, 2, '0') AS feature,
               'driver-' || lpad(t::VARCHAR, 2, '0') AS target,
               CASE WHEN roll < 0.55 - 0.012 * t THEN 'complete' WHEN roll < 0.7 - 0.01 * t THEN 'partial'
                    WHEN roll < 0.93 THEN 'missing' ELSE 'unknown' END AS status,
               NULL AS notes, 'Feature ' || f AS feature_title, 'Driver ' || t AS target_title,
               CASE WHEN f < 10 THEN 'mandatory' WHEN f < 35 THEN 'optional' ELSE 'choice' END AS maturity,
               (10 + 4 * f)::INTEGER AS line
        FROM (SELECT f, t, u(hash(f, t), {seed} + 96) AS roll FROM range(60) a(f), range(24) b(t))
        WHERE hash(f, t, 97) % 20 > 0        -- ~5% of the cells not listed at all"""


def advisories_frame(con, n, seed) -> pl.DataFrame:
    return con.sql(f"""
        WITH sec AS (SELECT bug_id, project, created, row_number() OVER (ORDER BY bug_id) AS rn
                     FROM bugs_out WHERE is_security AND NOT is_private)
        SELECT 'OSSA-' || year(created) || '-' || lpad(rn::VARCHAR, 4, '0') AS advisory_id,
               CAST(created + to_days(CAST(20 + 60 * u(rn, 70) AS INT)) AS DATE) AS published,
               'Advisory ' || rn AS title, [project] AS projects, ['CVE-' || year(created) || '-' || (10000 + rn)] AS cves,
               [bug_id] AS bug_keys, 'advisories:ossa' AS source_id
        FROM sec WHERE rn % 16 = 0 OR rn <= 3""").pl()


# --------------------------------------------------------------------------- writing

def reference_frames(n: dict[str, int]) -> dict[str, pl.DataFrame]:
    teams = [f"Team {t:02d}" for t in range(n["teams"])]
    projects = [f"project-{p:03d}" for p in range(n["projects"])]
    repos = [f"repo-{r:04d}" for r in range(n["repos"])]
    commons = max(1, n["repos"] * 30 // 2000)
    cycles = [(f"{2017 + c // 2}.{1 + c % 2}", date(2017 + c // 2, 4 if c % 2 == 0 else 10, 1)) for c in range(20)]
    return {
        "teams": pl.DataFrame({"name": teams, "description": [f"{t} description" for t in teams]}),
        "projects": pl.DataFrame({"name": projects, "team": [teams[p % n["teams"]] for p in range(n["projects"])]}),
        "repos": pl.DataFrame({"name": repos, "project": [projects[r % n["projects"]] for r in range(n["repos"])],
                               "url": [f"https://git.example/{r}" for r in repos],
                               "is_common_library": [r >= n["repos"] - commons for r in range(n["repos"])]}),
        "release_cycles": pl.DataFrame({
            "name": [c for c, _ in cycles], "start_at": [s for _, s in cycles],
            "end_at": [cycles[i + 1][1] if i + 1 < len(cycles) else date(2027, 4, 1) for i in range(len(cycles))]}),
        "bot_patterns": pl.DataFrame({"pattern": ["zuul*", "*-bot", "*-bot@*"]}),   # "[bot]" suffixes are built in
    }


def load_query(target, scratch, table: str, sql: str, keep_as: str | None = None) -> int:
    """Run ``sql`` in the scratch database and upsert its rows in collector-sized batches."""
    if keep_as:
        scratch.execute(f"CREATE OR REPLACE TABLE {keep_as} AS {sql}")
        sql = f"SELECT * FROM {keep_as}"
    reader = scratch.sql(sql).to_arrow_reader(BATCH_ROWS)
    rows = 0
    for batch in reader:
        rows += load.upsert(target, table, pl.from_arrow(batch))
    return rows


def generate(path: Path, scale: float = 1.0, seed: int = 1, log=print) -> dict[str, int]:
    n = sizes(scale)
    started = time.perf_counter()
    step = lambda what: log(f"{time.perf_counter() - started:7.1f} s  {what}")  # noqa: E731
    people, periods, domains = people_frame(n, seed)
    scratch = scratch_db(people, n, seed)
    path.unlink(missing_ok=True)
    with writer(path) as con:
        for table, frame in reference_frames(n).items():
            load.replace_table(con, table, frame)
        load.upsert(con, "identities", identities_frame(people))
        store_imported(con, Imported("generated-affiliations.json", "stackalytics", periods=periods,
                                     domains=domains), rank=10)
        step(f"{people.height:,} people, {len(periods):,} affiliation periods, {len(domains):,} domains")
        for table, sql in frames_changes(scratch, n, seed):
            step(f"{table}: {load_query(con, scratch, table, sql):,} rows")
        for table, sql in frames_commits(scratch, n, seed):
            step(f"{table}: {load_query(con, scratch, table, sql, keep_as='commits_out'):,} rows")
        step(f"commit_files: {load_query(con, scratch, 'commit_files', commit_files_sql(seed)):,} rows")
        for table, sql in frames_bugs(scratch, n, seed):
            step(f"{table}: {load_query(con, scratch, table, sql, keep_as='bugs_out'):,} rows")
        for table, sql in frames_quality(scratch, n, seed):
            keep = "coverage_out" if table == "coverage_reports" else None
            step(f"{table}: {load_query(con, scratch, table, sql, keep_as=keep):,} rows")
        for table, sql in frames_content(scratch, n, seed):
            step(f"{table}: {load_query(con, scratch, table, sql):,} rows")
        advisories = advisories_frame(scratch, n, seed)
        load.upsert(con, "advisories", advisories)
        load.upsert(con, "advisory_reporters", advisories.select(
            "advisory_id", "source_id", reporter=pl.format("Reporter {}", pl.int_range(pl.len()) % 40),
            affiliation=pl.format("{}", pl.lit(org_names(n["orgs"])[0]))))
        step(f"advisories: {advisories.height:,} rows")
        register_sources(con, n)
        rebuild_people(con)
        step("identity layer rebuilt (identities -> people -> affiliations)")
    step("derived tables rebuilt and warehouse swapped in")
    with duckdb.connect(str(path), read_only=True) as check:
        counts = {t: check.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in
                  ("commits", "commit_files", "changes", "review_votes", "review_messages", "bugs", "people",
                   "identities", "affiliations", "coverage_reports", "advisories", "contribution_facts")}
        counts["organisations"] = check.execute("SELECT count(DISTINCT org) FROM contribution_facts").fetchone()[0]
    return counts


def register_sources(con, n: dict[str, int]) -> None:
    """One source per repository and per HTTP tracker, as a collection records them."""
    now = datetime.now(timezone.utc)
    repos = [f"repo-{r:04d}" for r in range(n["repos"])]
    sources = pl.DataFrame({
        "source_id": [f"git:{r}" for r in repos] + ["gerrit:review", "launchpad:bugs", "advisories:ossa"],
        "kind": ["git"] * len(repos) + ["gerrit", "launchpad", "advisories"],
        "location": [f"https://git.example/{r}" for r in repos] + ["https://review.example",
                                                                  "https://api.launchpad.example", "ossa"],
        "last_run_at": [now] * (len(repos) + 3), "last_ok_at": [now] * (len(repos) + 3)})
    load.upsert(con, "sources", sources)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="warehouse file to write (replaced)")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the full size (0.001 for a smoke test)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.out, args.scale, args.seed)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - started:.1f} s")
    for table, rows in counts.items():
        print(f"  {table:<18} {rows:>12,}")


if __name__ == "__main__":
    main()
