-- bugs_flow.sql's inflow and outflow summed over a period, for the scorecard:
-- per period ($p_names / $p_starts / $p_as_of, zipped) and per team, plus the
-- community (is_community, team NULL), in one pass.  Same rows (bugs_in, no
-- duplicates), same window as the page's monthly flow: from the first day of the
-- period's start month to $as_of.  (bugs_flow.sql keeps an event when
-- date_trunc('month', its time) >= the start's month; for a month's first day m
-- that is "time >= m at midnight", both in the session's time zone, and comparing
-- times skips a calendar call per bug.)  tests/test_scorecard_grouped.py checks it
-- against bugs.flow.
WITH periods AS (
    SELECT period, as_of, CAST(CAST(date_trunc('month', p_start) AS DATE) AS TIMESTAMPTZ) AS from_ts
    FROM (SELECT unnest($p_names::VARCHAR[]) AS period, unnest($p_starts::DATE[]) AS p_start,
                 unnest($p_as_of::TIMESTAMPTZ[]) AS as_of)
),
first_from AS (   -- the earliest start: bugs neither opened nor closed since then count nowhere
    SELECT CASE WHEN bool_or(from_ts IS NULL) THEN NULL ELSE min(from_ts) END AS from_ts FROM periods
),
b AS (
    SELECT team, created, resolved_at
    FROM bugs_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[]), first_from f
    WHERE NOT is_duplicate AND created IS NOT NULL
      AND (f.from_ts IS NULL OR created >= f.from_ts OR resolved_at >= f.from_ts)
)
SELECT p.period, grouping(b.team) = 1 AS is_community, b.team,
       CAST(count(*) FILTER (WHERE b.created < p.as_of AND (p.from_ts IS NULL OR b.created >= p.from_ts))
            AS BIGINT)                                                                           AS opened,
       CAST(count(*) FILTER (WHERE b.resolved_at < p.as_of AND (p.from_ts IS NULL OR b.resolved_at >= p.from_ts))
            AS BIGINT)                                                                           AS closed
FROM b CROSS JOIN periods p
GROUP BY GROUPING SETS ((p.period, b.team), (p.period))
