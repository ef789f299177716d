-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- Time to merge: hours from creation to merge (Gerrit ``submitted`` / GitHub
-- ``merged_at``) of merged changes, by month of merge: merged changes, median
-- and p90 hours.
SELECT submitted_month                     AS month,
       CAST(count(*) AS BIGINT)                                          AS merged,
       quantile_cont(epoch(submitted - created) / 3600.0, 0.5)           AS median_hours,
       quantile_cont(epoch(submitted - created) / 3600.0, 0.9)           AS p90_hours
FROM review_changes_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                       $f_orgs::VARCHAR[])
WHERE status = 'MERGED' AND submitted IS NOT NULL AND created IS NOT NULL
  AND ($f_start::DATE IS NULL OR submitted >= CAST($f_start::DATE AS TIMESTAMPTZ))
  AND ($f_end::DATE IS NULL OR submitted < CAST($f_end::DATE AS TIMESTAMPTZ) + INTERVAL 1 DAY)
GROUP BY ALL
ORDER BY month;
