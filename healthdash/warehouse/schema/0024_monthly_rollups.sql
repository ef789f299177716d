-- Monthly rollups (issue 11: Participation's monthly charts read 2.4M contributions per call),
-- filled by derived/rollup_*.sql at the end of every write session; see 0017_rollups.sql.

-- Contributions per month, kind, organisation and bot flag (derived/rollup_contribution_months.sql).
CREATE TABLE contribution_months (
    month           DATE,
    kind            VARCHAR,
    org             VARCHAR,
    is_independent  BOOLEAN,
    is_bot          BOOLEAN,
    n               BIGINT
);

-- contributions_in counted per month: rows of (month, kind, org, is_independent, is_bot, n) whose
-- n add up to the filtered contributions.  From contribution_months when no team / project / repo
-- filter is set and the window (if any) starts on a month's first day and ends on a month's last
-- day (and f_rollups is true, as it is except in the equivalence test); otherwise one row per
-- filtered contribution (n = 1).  Metrics sum n instead of counting rows.
CREATE OR REPLACE MACRO contribution_months_in(f_teams, f_projects, f_repos, f_start, f_end, f_orgs, f_kinds,
                                               f_bots, f_rollups) AS TABLE
SELECT month, kind, org, is_independent, is_bot, n
FROM contribution_months
WHERE coalesce(f_rollups, true) AND f_teams IS NULL AND f_projects IS NULL AND f_repos IS NULL
  AND (f_start IS NULL OR day(f_start) = 1) AND (f_end IS NULL OR f_end = last_day(f_end))
  AND (f_start IS NULL OR month >= f_start) AND (f_end IS NULL OR month <= f_end)
  AND (f_orgs IS NULL OR list_contains(f_orgs, org))
  AND (f_kinds IS NULL OR list_contains(f_kinds, kind))
  AND (coalesce(f_bots, false) OR NOT is_bot)
UNION ALL
SELECT month, kind, org, is_independent, is_bot, 1 AS n
FROM contributions_in(f_teams, f_projects, f_repos, f_start, f_end, f_orgs, f_kinds, f_bots)
WHERE NOT (coalesce(f_rollups, true) AND f_teams IS NULL AND f_projects IS NULL AND f_repos IS NULL
           AND (f_start IS NULL OR day(f_start) = 1) AND (f_end IS NULL OR f_end = last_day(f_end)));

-- The whole-community monthly answers of three charts, with and without bots, for views with no
-- filter but the bot switch (and, for new contributors, the window, which only picks the months
-- shown): derived/rollup_review_activity_months.sql, rollup_concentration_months.sql and
-- rollup_new_contributor_months.sql; the metrics' own SQL reads them then.
CREATE TABLE review_activity_months (
    with_bots         BOOLEAN,
    month             DATE,
    reviews           BIGINT,
    core_approvals    BIGINT,
    reviewers         BIGINT,
    active_cores      BIGINT,
    reviews_per_core  DOUBLE
);

CREATE TABLE concentration_months (
    with_bots          BOOLEAN,
    month              DATE,
    contributions      BIGINT,
    elephant_factor    BIGINT,
    hhi                DOUBLE,
    effective_orgs     DOUBLE,
    top1_share         DOUBLE,
    independent_share  DOUBLE
);

CREATE TABLE new_contributor_months (
    with_bots         BOOLEAN,
    month             DATE,
    new_contributors  BIGINT,
    retained          BIGINT,
    retention         DOUBLE
);
