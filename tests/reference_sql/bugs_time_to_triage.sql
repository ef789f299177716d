-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- Time to triage per month of report: tasks created that month, how many have
-- been triaged (left New: date_left_new, else triaged, else confirmed) and the
-- median days from report to triage.  Window on the creation date, up to
-- $as_of.  Duplicates left out; private bugs only where the policy allows.
WITH b AS (
    SELECT CAST(date_trunc('month', created) AS DATE) AS month,
           CASE WHEN triaged_at < $as_of::TIMESTAMPTZ THEN epoch(triaged_at - created) / 86400.0 END AS days
    FROM bugs_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[])
    WHERE NOT is_duplicate AND created IS NOT NULL AND created < $as_of::TIMESTAMPTZ
      AND ($f_start::DATE IS NULL OR created >= $f_start::DATE::TIMESTAMPTZ)
)
SELECT month,
       count(*)                  AS reported,
       count(days)               AS triaged,
       round(median(days), 1)    AS median_days_to_triage
FROM b
GROUP BY month
ORDER BY month
