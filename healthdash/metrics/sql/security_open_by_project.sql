-- Open security bugs per project and their ages in days at $as_of (DESIGN 4, Security).
-- "Open at $as_of": created before it and not resolved by then.  Aggregate only:
-- private bugs are counted only where the privacy policy allows (bugs_in).
-- A bug with tasks in two projects counts once in each.
WITH open_bugs AS (
    SELECT project, bug_ref, epoch($as_of::TIMESTAMPTZ - created) / 86400.0 AS age_days
    FROM bugs_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[])
    WHERE is_security AND NOT is_duplicate
      AND created < $as_of::TIMESTAMPTZ
      AND (resolved_at IS NULL OR resolved_at >= $as_of::TIMESTAMPTZ)
)
SELECT project,
       count(DISTINCT bug_ref)      AS open_bugs,
       round(median(age_days), 1)   AS median_age_days,
       round(max(age_days), 1)      AS oldest_age_days
FROM open_bugs
GROUP BY project
ORDER BY open_bugs DESC, project
