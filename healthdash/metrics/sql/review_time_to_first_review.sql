-- Time to first review (DESIGN 4): hours from a change's creation to the first
-- vote or comment by a non-bot, non-CI person other than its owner
-- (review_responses; the first one per change is found at each write: change_facts,
-- derived/rollup_change_facts.sql).  By month of creation: changes created, changes reviewed,
-- median and p90 hours over the reviewed ones; plus one row with month NULL for
-- the whole window (exact quantiles, not a mix of monthly ones).
-- Durations as (epoch_us(b) - epoch_us(a)) / 1e6: the same double as epoch(b - a) (whole
-- microseconds over 1e6) without subtracting TIMESTAMPTZs, which goes through the ICU
-- calendar (~1 us a row: ~0.3 s over 300,000 changes).
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
       quantile_cont((epoch_us(first_at) - epoch_us(created)) / 1e6 / 3600.0, 0.5)            AS median_hours,
       quantile_cont((epoch_us(first_at) - epoch_us(created)) / 1e6 / 3600.0, 0.9)            AS p90_hours
FROM firsts
GROUP BY GROUPING SETS ((created_month), ())
ORDER BY month NULLS LAST;
