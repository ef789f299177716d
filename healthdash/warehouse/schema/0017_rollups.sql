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
