-- Days from report to fix for security bugs, per quarter of the fix (trend).
-- Fix time: fix committed, else fix released, else closed as fixed (bug_facts.fixed_at).
-- One value per bug: its earliest fixed task.  Median and p90 interpolate
-- (quantile_cont).  The date window applies to the fix date.
WITH fixes AS (
    SELECT bug_ref, min(created) AS created, min(fixed_at) AS fixed_at
    FROM bugs_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[])
    WHERE is_security AND NOT is_duplicate AND fixed_at IS NOT NULL AND created IS NOT NULL
    GROUP BY bug_ref
),
windowed AS (
    SELECT CAST(date_trunc('quarter', fixed_at) AS DATE) AS quarter,
           epoch(fixed_at - created) / 86400.0 AS days
    FROM fixes
    WHERE ($f_start::DATE IS NULL OR fixed_at >= $f_start::DATE::TIMESTAMPTZ)
      AND fixed_at < $as_of::TIMESTAMPTZ
)
SELECT quarter,
       count(*)                                  AS fixed_bugs,
       round(quantile_cont(days, 0.5), 1)        AS median_days_to_fix,
       round(quantile_cont(days, 0.9), 1)        AS p90_days_to_fix
FROM windowed
GROUP BY quarter
ORDER BY quarter
