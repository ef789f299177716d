-- Time to triage per month of report: tasks created that month, how many have
-- been triaged (left New: date_left_new, else triaged, else confirmed) and the
-- median days from report to triage.  Window on the creation date, up to
-- $as_of.  Duplicates left out; private bugs only where the policy allows.
-- Durations as (epoch_us(b) - epoch_us(a)) / 1e6: the same double as epoch(b - a) (whole
-- microseconds over 1e6) without subtracting TIMESTAMPTZs, which goes through the ICU
-- calendar (~1 us a row: ~0.3 s over 300,000 changes).
WITH b AS (
    SELECT created_month AS month,
           CASE WHEN triaged_at < $as_of::TIMESTAMPTZ THEN (epoch_us(triaged_at) - epoch_us(created)) / 1e6 / 86400.0 END AS days
    FROM bug_tasks_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[], $f_rollups::BOOLEAN)
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
