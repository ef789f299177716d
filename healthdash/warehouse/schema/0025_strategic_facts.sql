-- Strategic contributions precomputed (issue 11: the Strategic page took 2-8 s at full
-- scale, re-deriving every contribution's categories per call).
--
-- strategic_flags_in: the filtered contributions (contributions_in, same arguments) with
-- the strategic categories each one falls in -- the one definition, read by
-- sql/strategic_contributions.sql directly when f_rollups is off and materialised for
-- every contribution (bots included) in strategic_facts at the end of every write
-- (derived/rollup_strategic_facts.sql).  Categories (DESIGN 4, issue 13):
--   is_common        in a repository configured as a common library (bugs: the project of one)
--   is_cross_review  a review whose change owner (change_owner_orgs) has another org_unit;
--                    owner unknown = not counted
--   is_bug_fix       a bug fixed
--   is_security      a security bug filed or fixed, or a merged change or review of a change an
--                    advisory names as its fix (the number ending one of its review links)
--   touches_matrix   a commit changing a feature-matrix file (consistency work once a feature
--                    matrix is collected: the metric decides, so no rollup depends on that table)
--   changed_lines, test_lines  the commit's lines (commit_lines), NULL for other kinds
-- A category that cannot be decided (a bug without repository, say) is false, never NULL,
-- as the counts always took it.
CREATE OR REPLACE MACRO strategic_flags_in(f_teams, f_projects, f_repos, f_start, f_end, f_orgs, f_kinds, f_bots) AS TABLE
WITH f AS (
    SELECT c.*,
           CASE WHEN c.kind = 'merged_change' THEN substr(c.item_key, length(c.source) + 2)
                WHEN c.kind IN ('review', 'core_review')
                THEN substr(c.item_key, length(c.source) + 2,
                            strpos(c.item_key, ':' || c.identity_id || ':') - length(c.source) - 2)
           END AS change_key
    FROM contributions_in(f_teams, f_projects, f_repos, f_start, f_end, f_orgs, f_kinds, f_bots) c
),
common_repos AS (SELECT name, project FROM repos WHERE is_common_library),
advisory_changes AS (   -- changes whose number ends a fix review link of an advisory
    SELECT DISTINCT ch.source, ch.change_key
    FROM changes ch
    JOIN (SELECT DISTINCT TRY_CAST(regexp_extract(link, '(\d+)/?$', 1) AS BIGINT) AS number
          FROM advisories, unnest(reviews) AS t(link)) a ON a.number = ch.number
),
security_bugs AS (SELECT DISTINCT bug_ref FROM bug_lifecycle WHERE is_security),
commit_keys AS (SELECT DISTINCT item_key FROM f WHERE kind = 'commit'),
key_lines AS (   -- per commit, summed once per write (derived/rollup_commit_lines.sql)
    SELECT l.item_key, l.changed_lines, l.test_lines, l.touches_matrix
    FROM commit_keys k JOIN commit_lines l ON l.item_key = k.item_key
)
SELECT k.ts, k.day, k.team, k.project, k.repo, k.kind, k.is_bot, k.org, k.person_id,
       coalesce(k.repo IN (SELECT name FROM common_repos)
                OR (k.repo IS NULL AND k.project IN (SELECT project FROM common_repos)), false) AS is_common,
       coalesce(k.kind IN ('review', 'core_review') AND o.org_unit IS NOT NULL
                AND k.org_unit <> o.org_unit, false)                                    AS is_cross_review,
       k.kind = 'bug_fixed'                                                             AS is_bug_fix,
       coalesce((k.kind IN ('bug_filed', 'bug_fixed') AND k.item_key IN (SELECT bug_ref FROM security_bugs))
                OR (k.change_key IS NOT NULL AND EXISTS (
                    SELECT 1 FROM advisory_changes a WHERE a.source = k.source AND a.change_key = k.change_key)),
                false)                                                                  AS is_security,
       coalesce(l.touches_matrix, false)                                                AS touches_matrix,
       l.changed_lines, l.test_lines
FROM f k
LEFT JOIN change_owner_orgs o ON o.source = k.source AND o.change_key = k.change_key
                              AND k.kind IN ('review', 'core_review')
LEFT JOIN key_lines l ON l.item_key = k.item_key AND k.kind = 'commit';

-- Every contribution with its categories (derived/rollup_strategic_facts.sql), in time order:
-- a team, project, repo or date filter reads its slice instead of deriving categories.
CREATE TABLE strategic_facts (
    ts               TIMESTAMPTZ,
    day              DATE,
    team             VARCHAR,
    project          VARCHAR,
    repo             VARCHAR,
    kind             VARCHAR,
    is_bot           BOOLEAN,
    org              VARCHAR,
    person_id        VARCHAR,
    is_common        BOOLEAN,
    is_cross_review  BOOLEAN,
    is_bug_fix       BOOLEAN,
    is_security      BOOLEAN,
    touches_matrix   BOOLEAN,
    changed_lines    BIGINT,
    test_lines       BIGINT
);

-- strategic_facts counted per period ('all' = the whole history, else each release cycle:
-- a contribution on a day from start_at to end_at), organisation, kind and bot flag
-- (derived/rollup_strategic_totals.sql): what the default view (no team, project, repo
-- or date filter) of the organisations' shares and their trend reads.
CREATE TABLE strategic_totals (
    period           VARCHAR,
    period_start     DATE,
    period_end       DATE,
    org              VARCHAR,
    kind             VARCHAR,
    is_bot           BOOLEAN,
    n                BIGINT,
    common           BIGINT,
    cross_review     BIGINT,
    bug_fix          BIGINT,
    security         BIGINT,
    touches_matrix   BIGINT,
    strategic        BIGINT,   -- in any category but consistency
    strategic_or_matrix BIGINT,   -- ... or touching a feature-matrix file
    test_lines       HUGEINT,
    changed_lines    HUGEINT
);

-- Each day of each release cycle (start_at to end_at inclusive): the strategic trend
-- joins contributions to cycles on the day, an equality, instead of a range per row.
CREATE OR REPLACE MACRO release_cycle_days() AS TABLE
SELECT rc.name AS period, rc.start_at AS period_start, rc.end_at AS period_end, CAST(g.d AS DATE) AS day
FROM release_cycles rc, generate_series(CAST(rc.start_at AS TIMESTAMP), CAST(rc.end_at AS TIMESTAMP), INTERVAL 1 DAY) g(d);

-- strategic_flags_in's rows for the global filters: from strategic_facts (the same filters
-- as contributions_in) unless f_rollups is false, as only the equivalence test sets it.
CREATE OR REPLACE MACRO strategic_facts_in(f_teams, f_projects, f_repos, f_start, f_end, f_kinds, f_bots, f_rollups) AS TABLE
SELECT ts, day, team, project, repo, kind, is_bot, org, person_id, is_common, is_cross_review, is_bug_fix,
       is_security, touches_matrix, changed_lines, test_lines
FROM strategic_facts
WHERE coalesce(f_rollups, true)
  AND (f_teams IS NULL OR list_contains(f_teams, team))
  AND (f_projects IS NULL OR list_contains(f_projects, project))
  AND (f_repos IS NULL OR list_contains(f_repos, repo))
  AND (f_start IS NULL OR ts >= CAST(f_start AS TIMESTAMPTZ))
  AND (f_end IS NULL OR ts < CAST(f_end AS TIMESTAMPTZ) + INTERVAL 1 DAY)
  AND (f_kinds IS NULL OR list_contains(f_kinds, kind))
  AND (coalesce(f_bots, false) OR NOT is_bot)
UNION ALL
SELECT ts, day, team, project, repo, kind, is_bot, org, person_id, is_common, is_cross_review, is_bug_fix,
       is_security, touches_matrix, changed_lines, test_lines
FROM strategic_flags_in(f_teams, f_projects, f_repos, f_start, f_end, NULL, f_kinds, f_bots)
WHERE NOT coalesce(f_rollups, true);
