-- Open bug tasks at $as_of by importance, with their median and oldest age in
-- days.  Importance in Launchpad's order (Critical first, Undecided last; other
-- trackers' values after).  Duplicates left out; private bugs only where the
-- privacy policy allows (bugs_in).
-- Durations as (epoch_us(b) - epoch_us(a)) / 1e6: the same double as epoch(b - a) (whole
-- microseconds over 1e6) without subtracting TIMESTAMPTZs, which goes through the ICU
-- calendar (~1 us a row: ~0.3 s over 300,000 changes).
WITH open_bugs AS (
    SELECT importance, (epoch_us($as_of::TIMESTAMPTZ) - epoch_us(created)) / 1e6 / 86400.0 AS age_days
    FROM bug_tasks_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[], $f_rollups::BOOLEAN)
    WHERE NOT is_duplicate AND created IS NOT NULL AND created < $as_of::TIMESTAMPTZ
      AND (resolved_at IS NULL OR resolved_at >= $as_of::TIMESTAMPTZ)
)
SELECT importance,
       count(*)                    AS open_bugs,
       round(median(age_days), 1)  AS median_age_days,
       round(max(age_days), 1)     AS oldest_age_days
FROM open_bugs
GROUP BY importance
ORDER BY coalesce(list_position(['Critical', 'High', 'Medium', 'Low', 'Wishlist', 'Undecided'], importance), 99),
         importance
