-- Time to merge: hours from creation to merge (Gerrit ``submitted`` / GitHub
-- ``merged_at``) of merged changes, by month of merge: merged changes, median
-- and p90 hours.
-- Durations as (epoch_us(b) - epoch_us(a)) / 1e6: the same double as epoch(b - a) (whole
-- microseconds over 1e6) without subtracting TIMESTAMPTZs, which goes through the ICU
-- calendar (~1 us a row: ~0.3 s over 300,000 changes).
SELECT submitted_month                     AS month,
       CAST(count(*) AS BIGINT)                                          AS merged,
       quantile_cont((epoch_us(submitted) - epoch_us(created)) / 1e6 / 3600.0, 0.5)           AS median_hours,
       quantile_cont((epoch_us(submitted) - epoch_us(created)) / 1e6 / 3600.0, 0.9)           AS p90_hours
FROM review_changes_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                       $f_orgs::VARCHAR[])
WHERE status = 'MERGED' AND submitted IS NOT NULL AND created IS NOT NULL
  AND ($f_start::DATE IS NULL OR submitted >= CAST($f_start::DATE AS TIMESTAMPTZ))
  AND ($f_end::DATE IS NULL OR submitted < CAST($f_end::DATE AS TIMESTAMPTZ) + INTERVAL 1 DAY)
GROUP BY ALL
ORDER BY month;
