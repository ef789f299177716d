-- Precomputed rollups (issue 11: every chart <= 100 ms at 1M commits), filled by
-- derived/*.sql at the end of every write session so they never lag the data.
-- Metrics read them and apply the global filters; each one's definition lives in
-- its derived/ file, the filtering and counting in the metric's sql/ file.

-- One row per non-merge commit with whether it landed through someone else's review
-- (derived/rollup_review_coverage_commits.sql; read by sql/review_coverage.sql).
CREATE TABLE review_coverage_commits (
    repo         VARCHAR,
    sha          VARCHAR,
    team         VARCHAR,
    project      VARCHAR,
    commit_date  TIMESTAMPTZ,
    month        DATE,
    author_orgs  VARCHAR[],
    covered      BOOLEAN
);

-- Where a person's consecutive contributions change organisation
-- (derived/rollup_affiliation_change_points.sql; read by sql/neutrality_affiliation_changes.sql).
CREATE TABLE affiliation_change_points (
    with_bots     BOOLEAN,
    person_id     VARCHAR,
    org           VARCHAR,
    org_rule      VARCHAR,
    org_origin    VARCHAR,
    ts            TIMESTAMPTZ,
    previous_org  VARCHAR,
    previous_ts   TIMESTAMPTZ
);

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
