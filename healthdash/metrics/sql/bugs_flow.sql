-- Monthly bug inflow (tasks created) and outflow (tasks resolved: fixed,
-- invalid, won't fix, expired...), and the net change.  Window start (else the
-- first event) to $as_of; every month present (0 when none).  Duplicates left
-- out; private bugs only where the privacy policy allows (bug_tasks_in).
WITH b AS (
    SELECT created, resolved_at, created_month, resolved_month
    FROM bug_tasks_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[], $f_rollups::BOOLEAN)
    WHERE NOT is_duplicate AND created IS NOT NULL
),
events AS (
    SELECT created_month AS month, 1 AS opened, 0 AS closed
    FROM b WHERE created < $as_of::TIMESTAMPTZ
    UNION ALL
    SELECT resolved_month, 0, 1
    FROM b WHERE resolved_at IS NOT NULL AND resolved_at < $as_of::TIMESTAMPTZ
),
windowed AS (
    SELECT * FROM events WHERE $f_start::DATE IS NULL OR month >= CAST(date_trunc('month', $f_start::DATE) AS DATE)
),
bounds AS (SELECT min(month) AS lo, max(month) AS hi FROM windowed),
months AS (
    SELECT CAST(unnest(generate_series(lo, hi, INTERVAL 1 MONTH)) AS DATE) AS month
    FROM bounds WHERE lo IS NOT NULL
)
SELECT m.month,
       CAST(coalesce(sum(w.opened), 0) AS BIGINT)                            AS opened,
       CAST(coalesce(sum(w.closed), 0) AS BIGINT)                            AS closed,
       CAST(coalesce(sum(w.opened), 0) - coalesce(sum(w.closed), 0) AS BIGINT) AS net
FROM months m
LEFT JOIN windowed w USING (month)
GROUP BY m.month
ORDER BY m.month
