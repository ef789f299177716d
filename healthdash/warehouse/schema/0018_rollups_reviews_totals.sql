-- More precomputed rollups (issue 11), filled by derived/rollup_*.sql at the end of every
-- write session; see 0017_rollups.sql.

-- Each change with its project, team, owner's organisation and first response
-- (derived/rollup_change_facts.sql); the review metrics read it through review_changes_in.
CREATE TABLE change_facts (
    source             VARCHAR,
    change_key         VARCHAR,
    repo               VARCHAR,
    number             BIGINT,
    change_id          VARCHAR,
    owner_identity     VARCHAR,
    status             VARCHAR,
    created            TIMESTAMPTZ,
    updated            TIMESTAMPTZ,
    submitted          TIMESTAMPTZ,
    patch_sets         INTEGER,
    merge_sha          VARCHAR,
    head_sha           VARCHAR,
    is_draft           BOOLEAN,
    project            VARCHAR,
    team               VARCHAR,
    owner_org          VARCHAR,
    first_response_at  TIMESTAMPTZ,
    created_month      DATE,
    submitted_month    DATE,
    rechecks           BIGINT
);

-- Changes in scope of the global team / project / repo and organisation filters
-- (NULL = no filter), with their project, team, owner_org and first response.
CREATE OR REPLACE MACRO review_changes_in(f_teams, f_projects, f_repos, f_orgs) AS TABLE
SELECT * FROM change_facts
WHERE (f_teams IS NULL OR list_contains(f_teams, team))
  AND (f_projects IS NULL OR list_contains(f_projects, project))
  AND (f_repos IS NULL OR list_contains(f_repos, repo))
  AND (f_orgs IS NULL OR list_contains(f_orgs, owner_org));

-- Patch sets CI voted on, with the month of its first vote and whether it failed
-- (derived/rollup_ci_patch_sets.sql; read by sql/review_ci_health.sql).
CREATE TABLE ci_patch_sets (
    source      VARCHAR,
    change_key  VARCHAR,
    patch_set   INTEGER,
    month       DATE,
    failed      BOOLEAN
);

-- Contributions over the whole history per person, organisation, kind and bot flag
-- (derived/rollup_contribution_totals.sql).
CREATE TABLE contribution_totals (
    person_id       VARCHAR,
    org             VARCHAR,
    org_unit        VARCHAR,
    is_independent  BOOLEAN,
    kind            VARCHAR,
    is_bot          BOOLEAN,
    n               BIGINT,
    last_ts         TIMESTAMPTZ
);

-- contributions_in counted: rows of (person_id, org, org_unit, is_independent, kind,
-- is_bot, n, last_ts) whose n add up to the filtered contributions.  From
-- contribution_totals when only the organisation, kind and bots filters are set (and
-- f_rollups is true, as it is except in the equivalence test); otherwise one row per
-- filtered contribution (n = 1, last_ts = its time), so a team, project, repo or date
-- filter - mid-month days included - stays exact.  Metrics sum n instead of counting rows.
CREATE OR REPLACE MACRO contribution_counts_in(f_teams, f_projects, f_repos, f_start, f_end, f_orgs, f_kinds,
                                               f_bots, f_rollups) AS TABLE
SELECT person_id, org, org_unit, is_independent, kind, is_bot, n, last_ts
FROM contribution_totals
WHERE coalesce(f_rollups, true)
  AND f_teams IS NULL AND f_projects IS NULL AND f_repos IS NULL AND f_start IS NULL AND f_end IS NULL
  AND (f_orgs IS NULL OR list_contains(f_orgs, org))
  AND (f_kinds IS NULL OR list_contains(f_kinds, kind))
  AND (coalesce(f_bots, false) OR NOT is_bot)
UNION ALL
SELECT person_id, org, org_unit, is_independent, kind, is_bot, 1 AS n, ts AS last_ts
FROM contributions_in(f_teams, f_projects, f_repos, f_start, f_end, f_orgs, f_kinds, f_bots)
WHERE NOT (coalesce(f_rollups, true)
           AND f_teams IS NULL AND f_projects IS NULL AND f_repos IS NULL AND f_start IS NULL AND f_end IS NULL);
