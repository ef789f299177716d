-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- Bug backlog at each month end (DESIGN 4, Quality): tasks created before the
-- month's end and not resolved by then.  The last month ends at $as_of.  Months
-- run from the window start (else the first bug) to $as_of.  Duplicates are
-- left out; private bugs count only where the privacy policy allows (bugs_in).
WITH b AS (
    SELECT created, resolved_at
    FROM bugs_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[])
    WHERE NOT is_duplicate AND created IS NOT NULL AND created < $as_of::TIMESTAMPTZ
),
bounds AS (
    SELECT CAST(date_trunc('month', coalesce($f_start::DATE::TIMESTAMPTZ, min(created))) AS DATE) AS lo,
           CAST(date_trunc('month', $as_of::TIMESTAMPTZ - INTERVAL 1 MICROSECOND) AS DATE) AS hi
    FROM b
),
months AS (
    SELECT CAST(unnest(generate_series(lo, hi, INTERVAL 1 MONTH)) AS DATE) AS month
    FROM bounds WHERE lo IS NOT NULL AND lo <= hi
),
ends AS (
    SELECT month, least(CAST(month + INTERVAL 1 MONTH AS TIMESTAMPTZ), $as_of::TIMESTAMPTZ) AS cutoff
    FROM months
)
SELECT CAST(e.cutoff - INTERVAL 1 MICROSECOND AS DATE) AS month_end,
       count(b.created) AS open_bugs
FROM ends e
LEFT JOIN b ON b.created < e.cutoff AND (b.resolved_at IS NULL OR b.resolved_at >= e.cutoff)
GROUP BY e.cutoff
ORDER BY month_end
