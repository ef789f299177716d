-- bugs_flow.sql's inflow and outflow summed over a period, for the scorecard:
-- per period ($p_names / $p_starts / $p_as_of, zipped) and per team, plus the
-- community (is_community, team NULL), in one pass.  Same rows (bug_tasks_in, no
-- duplicates), same window as the page's monthly flow: tasks created (resolved)
-- before $as_of in a month from the period's start month on.
-- tests/test_scorecard_grouped.py checks it against bugs.flow.
WITH periods AS (
    SELECT period, as_of, CAST(date_trunc('month', p_start) AS DATE) AS first_month
    FROM (SELECT unnest($p_names::VARCHAR[]) AS period, unnest($p_starts::DATE[]) AS p_start,
                 unnest($p_as_of::TIMESTAMPTZ[]) AS as_of)
),
earliest AS (   -- the earliest start month: tasks neither opened nor closed since then count nowhere
    SELECT CASE WHEN bool_or(first_month IS NULL) THEN NULL ELSE min(first_month) END AS first_month
    FROM periods
),
b AS (
    SELECT team, created, resolved_at, created_month, resolved_month
    FROM bug_tasks_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[], $f_rollups::BOOLEAN), earliest e
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
GROUP BY GROUPING SETS ((p.period, b.team), (p.period))
