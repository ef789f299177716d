-- The scorecard's head states summed per team in one query, and stored at every write
-- (issue 11: the per-repository frames of three area queries, each read and then aggregated
-- per team in polars, cost ~45 ms of CPU per scorecard at 2,000 repositories; they change
-- only when a write reads new heads).  One row per team (teams of the repositories whose
-- content was read) and one for the community (is_community, team NULL), over the same rows
-- as each area's per-repository query:
--   adoption_repos, adoption: repositories with common-library pairs and the mean of their
--     adoption (commonality_adoption_by_repo.sql: declared / libraries);
--   repos, python_lines, duplicated_lines: every repository whose content was read, its
--     Python lines and the lines of its duplicated blocks (commonality_duplicate_share.sql);
--   checked_repos, checks, passed: repositories with convention results, the checks that
--     apply and those passed (consistency_conformance_by_repo.sql).
-- derived/rollup_scorecard_heads.sql materialises scorecard_heads_in(true) in scorecard_heads;
-- healthdash.metrics.scorecard reads it (rollups on) or the macro (off: library use read
-- through the view, not its rollup).  tests/test_scorecard_grouped.py checks every cell
-- against the area summaries.
CREATE OR REPLACE MACRO scorecard_heads_in(f_rollups) AS TABLE
WITH repos AS (
    SELECT repo, team, python_lines FROM content_repos_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[])
),
adoption AS (
    SELECT r.repo, count(*) FILTER (WHERE u.uses) / count(*) AS adoption
    FROM repos r JOIN common_library_use_in(f_rollups) u ON u.repo = r.repo
    GROUP BY r.repo
),
duplicated AS (
    SELECT r.repo, coalesce(sum(b.code_lines), 0) AS duplicated_lines
    FROM repos r LEFT JOIN duplicate_blocks b ON b.repo = r.repo
    GROUP BY r.repo
),
conventions AS (
    SELECT r.repo, count(*) AS checks, count(*) FILTER (WHERE l.passed) AS passed
    FROM repos r JOIN latest_conventions l ON l.repo = r.repo
    GROUP BY r.repo
),
per_repo AS (
    SELECT r.team, r.python_lines, d.duplicated_lines, a.adoption, c.checks, c.passed
    FROM repos r
    LEFT JOIN duplicated d ON d.repo = r.repo
    LEFT JOIN adoption a ON a.repo = r.repo
    LEFT JOIN conventions c ON c.repo = r.repo
)
SELECT grouping(team) = 1                          AS is_community, team,
       CAST(count(adoption) AS BIGINT)             AS adoption_repos,
       avg(adoption)                               AS adoption,
       CAST(count(*) AS BIGINT)                    AS repos,
       CAST(sum(python_lines) AS BIGINT)           AS python_lines,
       CAST(sum(duplicated_lines) AS BIGINT)       AS duplicated_lines,
       CAST(count(checks) AS BIGINT)               AS checked_repos,
       CAST(sum(checks) AS BIGINT)                 AS checks,
       CAST(sum(passed) AS BIGINT)                 AS passed
FROM per_repo
GROUP BY GROUPING SETS ((team), ())
HAVING grouping(team) = 1 OR team IS NOT NULL;

CREATE TABLE scorecard_heads AS SELECT * FROM scorecard_heads_in(true) LIMIT 0;
