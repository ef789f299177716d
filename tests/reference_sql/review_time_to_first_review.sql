-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- Time to first review (DESIGN 4): hours from a change's creation to the first
-- vote or comment by a non-bot, non-CI person other than its owner
-- (review_responses; the first one per change is found at each write: change_facts,
-- derived/rollup_change_facts.sql).  By month of creation: changes created, changes reviewed,
-- median and p90 hours over the reviewed ones; plus one row with month NULL for
-- the whole window (exact quantiles, not a mix of monthly ones).
WITH firsts AS (
    SELECT created, created_month, first_response_at AS first_at
    FROM review_changes_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                           $f_orgs::VARCHAR[])
    WHERE created IS NOT NULL
      AND ($f_start::DATE IS NULL OR created >= CAST($f_start::DATE AS TIMESTAMPTZ))
      AND ($f_end::DATE IS NULL OR created < CAST($f_end::DATE AS TIMESTAMPTZ) + INTERVAL 1 DAY)
)
SELECT created_month                       AS month,
       CAST(count(*) AS BIGINT)                                          AS changes,
       CAST(count(first_at) AS BIGINT)                                   AS reviewed,
       quantile_cont(epoch(first_at - created) / 3600.0, 0.5)            AS median_hours,
       quantile_cont(epoch(first_at - created) / 3600.0, 0.9)            AS p90_hours
FROM firsts
GROUP BY GROUPING SETS ((created_month), ())
ORDER BY month NULLS LAST;
