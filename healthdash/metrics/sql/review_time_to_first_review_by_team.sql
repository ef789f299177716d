-- review_time_to_first_review.sql's whole-window row (changes, reviewed, median
-- hours to the first response), for the scorecard: per period ($p_names /
-- $p_starts / $p_ends, zipped) and per team, plus the community (is_community,
-- team NULL), in one pass.  Same rows (review_changes_in), same creation-day
-- bounds.  tests/test_scorecard_grouped.py checks it against
-- reviews.time_to_first_review_overall.
WITH periods AS (
    SELECT unnest($p_names::VARCHAR[]) AS period, unnest($p_starts::DATE[]) AS p_start,
           unnest($p_ends::DATE[]) AS p_end
),
firsts AS (
    SELECT team, created, first_response_at AS first_at
    FROM review_changes_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[])
    WHERE created IS NOT NULL
)
SELECT p.period, grouping(f.team) = 1 AS is_community, f.team,
       CAST(count(*) AS BIGINT)                                          AS changes,
       CAST(count(f.first_at) AS BIGINT)                                 AS reviewed,
       quantile_cont(epoch(f.first_at - f.created) / 3600.0, 0.5)        AS median_hours
FROM firsts f
JOIN periods p
  ON (p.p_start IS NULL OR f.created >= CAST(p.p_start AS TIMESTAMPTZ))
 AND (p.p_end IS NULL OR f.created < CAST(p.p_end AS TIMESTAMPTZ) + INTERVAL 1 DAY)
WHERE ($span_start::DATE IS NULL OR f.created >= CAST($span_start::DATE AS TIMESTAMPTZ))   -- the periods' union:
  AND ($span_end::DATE IS NULL OR f.created < CAST($span_end::DATE AS TIMESTAMPTZ) + INTERVAL 1 DAY)  -- skips history
GROUP BY GROUPING SETS ((p.period, f.team), (p.period))
