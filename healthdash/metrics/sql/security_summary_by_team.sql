-- security_summary.sql's fixed security bugs and median days to fix, for the
-- scorecard: per period ($p_names / $p_starts / $p_as_of, zipped) and per team,
-- plus the community (is_community, team NULL), in one pass instead of one
-- query per team and period.  Same rows (bugs_in: private bugs only where the
-- policy allows), same per-bug rule (a bug's first fix over its first report,
-- taken over the unit's own tasks, as a team filter would), same window
-- (fixed from the period's start to its $as_of).  tests/test_scorecard_grouped.py
-- checks every cell against security.summary with the team and period filters.
WITH periods AS (
    SELECT unnest($p_names::VARCHAR[]) AS period, unnest($p_starts::DATE[]) AS p_start,
           unnest($p_as_of::TIMESTAMPTZ[]) AS as_of
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
GROUP BY ALL
