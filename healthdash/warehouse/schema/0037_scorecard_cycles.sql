-- The scorecard's grouped inputs precomputed for every release cycle (issue 11: the six
-- grouped queries cost ~200 ms of CPU per default Overview at full scale, which scores the
-- latest cycle at least half over against the one before it).  Each sql/<query>.sql of the
-- scorecard (documented there) becomes the macro <query>_in, taking the periods as zipped
-- lists; every row of a period depends only on that period's bounds (the span arguments only
-- let scans skip the rest of history), so the rows of all cycles at once are the rows of each.
-- derived/rollup_scorecard_cycles.sql materialises them at the end of every write in
-- <query>_cycles (period = the cycle's name; with_bots: bots left out and counted in, which
-- only the concentration reads), and healthdash.metrics.scorecard reads those when the scored
-- periods are release cycles (rollups on).  The tables are created empty here and replaced
-- at every write.

-- sql/security_summary_by_team.sql (documented there)
CREATE OR REPLACE MACRO security_summary_by_team_in(p_names, p_starts, p_as_of) AS TABLE
WITH periods AS (
    SELECT unnest(p_names::VARCHAR[]) AS period, unnest(p_starts::DATE[]) AS p_start,
           unnest(p_as_of::TIMESTAMPTZ[]) AS as_of
),
b AS (
    SELECT team, bug_ref, created, fixed_at
    FROM bugs_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[])
    WHERE is_security AND NOT is_duplicate AND created IS NOT NULL AND fixed_at IS NOT NULL
),
fixes AS (   -- per unit (each team, and the whole community) and bug, as security_summary.sql's fixes
    SELECT u.is_community, CASE WHEN u.is_community THEN NULL ELSE b.team END AS team, b.bug_ref,
           epoch(min(b.fixed_at) - min(b.created)) / 86400.0 AS days, min(b.fixed_at) AS fixed_at
    FROM b CROSS JOIN (VALUES (true), (false)) AS u(is_community)
    GROUP BY ALL
)
SELECT p.period, f.is_community, f.team,
       count(*)                                                     AS fixed_security_bugs,
       round(quantile_cont(f.days, 0.5), 1)                         AS median_days_to_fix
FROM fixes f
JOIN periods p ON (p.p_start IS NULL OR f.fixed_at >= p.p_start::TIMESTAMPTZ) AND f.fixed_at < p.as_of
GROUP BY ALL;

-- sql/review_coverage_by_team.sql (documented there)
CREATE OR REPLACE MACRO review_coverage_by_team_in(p_names, p_starts, p_ends, span_start, span_end) AS TABLE
WITH periods AS (
    SELECT unnest(p_names::VARCHAR[]) AS period, unnest(p_starts::DATE[]) AS p_start,
           unnest(p_ends::DATE[]) AS p_end
)
SELECT p.period, grouping(c.team) = 1 AS is_community, c.team,
       CAST(count(*) AS BIGINT)                                  AS commits,
       CAST(count(*) FILTER (WHERE c.covered) AS BIGINT)         AS reviewed
FROM review_coverage_commits c
JOIN periods p
  ON (p.p_start IS NULL OR c.commit_date >= CAST(p.p_start AS TIMESTAMPTZ))
 AND (p.p_end IS NULL OR c.commit_date < CAST(p.p_end AS TIMESTAMPTZ) + INTERVAL 1 DAY)
WHERE (span_start::DATE IS NULL OR c.commit_date >= CAST(span_start::DATE AS TIMESTAMPTZ))   -- the periods' union:
  AND (span_end::DATE IS NULL OR c.commit_date < CAST(span_end::DATE AS TIMESTAMPTZ) + INTERVAL 1 DAY)  -- skips history
GROUP BY GROUPING SETS ((p.period, c.team), (p.period));

-- sql/review_time_to_first_review_by_team.sql (documented there)
CREATE OR REPLACE MACRO review_time_to_first_review_by_team_in(p_names, p_starts, p_ends, span_start, span_end) AS TABLE
WITH periods AS (
    SELECT unnest(p_names::VARCHAR[]) AS period, unnest(p_starts::DATE[]) AS p_start,
           unnest(p_ends::DATE[]) AS p_end
),
firsts AS (
    SELECT team, created, first_response_at AS first_at
    FROM review_changes_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[])
    WHERE created IS NOT NULL
)
SELECT p.period, grouping(f.team) = 1 AS is_community, f.team,
       CAST(count(*) AS BIGINT)                                          AS changes,
       CAST(count(f.first_at) AS BIGINT)                                 AS reviewed,
       quantile_cont(epoch(f.first_at - f.created) / 3600.0, 0.5)        AS median_hours
FROM firsts f
JOIN periods p
  ON (p.p_start IS NULL OR f.created >= CAST(p.p_start AS TIMESTAMPTZ))
 AND (p.p_end IS NULL OR f.created < CAST(p.p_end AS TIMESTAMPTZ) + INTERVAL 1 DAY)
WHERE (span_start::DATE IS NULL OR f.created >= CAST(span_start::DATE AS TIMESTAMPTZ))   -- the periods' union:
  AND (span_end::DATE IS NULL OR f.created < CAST(span_end::DATE AS TIMESTAMPTZ) + INTERVAL 1 DAY)  -- skips history
GROUP BY GROUPING SETS ((p.period, f.team), (p.period));

-- sql/quality_coverage_summary_by_team.sql (documented there)
CREATE OR REPLACE MACRO quality_coverage_summary_by_team_in(p_names, p_ends, span_end) AS TABLE
WITH periods AS (
    SELECT unnest(p_names::VARCHAR[]) AS period, unnest(p_ends::DATE[]) AS p_end
),
latest AS (   -- per period and repository, the newest report (then the highest fingerprint) by the end
    SELECT p.period, c.repo, any_value(c.team) AS team,
           arg_max({'covered': c.lines_covered, 'valid': c.lines_valid}, (c.measured_at, c.fingerprint)) AS report
    FROM coverage_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[], NULL::DATE, span_end::DATE) c
    JOIN periods p ON p.p_end IS NULL OR c.measured_at < CAST(p.p_end AS TIMESTAMPTZ) + INTERVAL 1 DAY
    GROUP BY p.period, c.repo
)
SELECT period, grouping(team) = 1 AS is_community, team,
       count(*)                                                   AS repos_measured,
       sum(report.covered) / nullif(sum(report.valid), 0)         AS line_coverage
FROM latest
GROUP BY GROUPING SETS ((period, team), (period));

-- sql/bugs_flow_by_team.sql (documented there)
CREATE OR REPLACE MACRO bugs_flow_by_team_in(p_names, p_starts, p_as_of, f_rollups) AS TABLE
WITH periods AS (
    SELECT period, as_of, CAST(date_trunc('month', p_start) AS DATE) AS first_month
    FROM (SELECT unnest(p_names::VARCHAR[]) AS period, unnest(p_starts::DATE[]) AS p_start,
                 unnest(p_as_of::TIMESTAMPTZ[]) AS as_of)
),
earliest AS (   -- the earliest start month: tasks neither opened nor closed since then count nowhere
    SELECT CASE WHEN bool_or(first_month IS NULL) THEN NULL ELSE min(first_month) END AS first_month
    FROM periods
),
b AS (
    SELECT team, created, resolved_at, created_month, resolved_month
    FROM bug_tasks_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[], f_rollups::BOOLEAN), earliest e
    WHERE NOT is_duplicate AND created IS NOT NULL
      AND (e.first_month IS NULL OR created_month >= e.first_month OR resolved_month >= e.first_month)
)
SELECT p.period, grouping(b.team) = 1 AS is_community, b.team,
       CAST(count(*) FILTER (WHERE b.created < p.as_of
                                   AND (p.first_month IS NULL OR b.created_month >= p.first_month)) AS BIGINT)
                                                                                              AS opened,
       CAST(count(*) FILTER (WHERE b.resolved_at IS NOT NULL AND b.resolved_at < p.as_of
                                   AND (p.first_month IS NULL OR b.resolved_month >= p.first_month)) AS BIGINT)
                                                                                              AS closed
FROM b CROSS JOIN periods p
GROUP BY GROUPING SETS ((p.period, b.team), (p.period));

-- sql/neutrality_concentration_by_team.sql (documented there)
CREATE OR REPLACE MACRO neutrality_concentration_by_team_in(p_names, p_starts, p_ends, span_start, span_end, f_bots) AS TABLE
WITH periods AS (
    SELECT unnest(p_names::VARCHAR[]) AS period, unnest(p_starts::DATE[]) AS p_start,
           unnest(p_ends::DATE[]) AS p_end
),
units AS (
    SELECT p.period, grouping(c.team) = 1 AS is_community, c.team, c.org_unit, count(*) AS n
    FROM contributions_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[], span_start::DATE, span_end::DATE,
                          NULL::VARCHAR[], NULL::VARCHAR[], f_bots::BOOLEAN) c
    JOIN periods p
      ON (p.p_start IS NULL OR c.ts >= CAST(p.p_start AS TIMESTAMPTZ))
     AND (p.p_end IS NULL OR c.ts < CAST(p.p_end AS TIMESTAMPTZ) + INTERVAL 1 DAY)
    GROUP BY GROUPING SETS ((p.period, c.team, c.org_unit), (p.period, c.org_unit))
)
SELECT period, is_community, team,
       CAST(sum(n) AS BIGINT)                          AS contributions,
       max(n) / sum(n)                                 AS top1_share,
       -- 1 / HHI = 1 / sum((n / total)^2) = total^2 / sum(n^2), without a window over the units
       sum(n) * sum(n) / sum(n * n)                    AS effective_orgs
FROM units
GROUP BY ALL;

CREATE TABLE security_summary_by_team_cycles AS SELECT false AS with_bots, * FROM security_summary_by_team_in([]::VARCHAR[], []::DATE[], []::TIMESTAMPTZ[]);
CREATE TABLE review_coverage_by_team_cycles AS SELECT false AS with_bots, * FROM review_coverage_by_team_in([]::VARCHAR[], []::DATE[], []::DATE[], NULL::DATE, NULL::DATE);
CREATE TABLE review_time_to_first_review_by_team_cycles AS SELECT false AS with_bots, * FROM review_time_to_first_review_by_team_in([]::VARCHAR[], []::DATE[], []::DATE[], NULL::DATE, NULL::DATE);
CREATE TABLE quality_coverage_summary_by_team_cycles AS SELECT false AS with_bots, * FROM quality_coverage_summary_by_team_in([]::VARCHAR[], []::DATE[], NULL::DATE);
CREATE TABLE bugs_flow_by_team_cycles AS SELECT false AS with_bots, * FROM bugs_flow_by_team_in([]::VARCHAR[], []::DATE[], []::TIMESTAMPTZ[], true);
CREATE TABLE neutrality_concentration_by_team_cycles AS SELECT false AS with_bots, * FROM neutrality_concentration_by_team_in([]::VARCHAR[], []::DATE[], []::DATE[], NULL::DATE, NULL::DATE, false);
