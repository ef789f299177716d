-- review_coverage.sql's commits and reviewed commits over a whole period, for the
-- scorecard: per period ($p_names / $p_starts / $p_ends, zipped) and per team,
-- plus the community (is_community, team NULL), in one pass.  Same rows
-- (review_coverage_commits), same day bounds (start inclusive, end day inclusive).
-- tests/test_scorecard_grouped.py checks it against reviews.review_coverage_overall.
WITH periods AS (
    SELECT unnest($p_names::VARCHAR[]) AS period, unnest($p_starts::DATE[]) AS p_start,
           unnest($p_ends::DATE[]) AS p_end
)
SELECT p.period, grouping(c.team) = 1 AS is_community, c.team,
       CAST(count(*) AS BIGINT)                                  AS commits,
       CAST(count(*) FILTER (WHERE c.covered) AS BIGINT)         AS reviewed
FROM review_coverage_commits c
JOIN periods p
  ON (p.p_start IS NULL OR c.commit_date >= CAST(p.p_start AS TIMESTAMPTZ))
 AND (p.p_end IS NULL OR c.commit_date < CAST(p.p_end AS TIMESTAMPTZ) + INTERVAL 1 DAY)
WHERE ($span_start::DATE IS NULL OR c.commit_date >= CAST($span_start::DATE AS TIMESTAMPTZ))   -- the periods' union:
  AND ($span_end::DATE IS NULL OR c.commit_date < CAST($span_end::DATE AS TIMESTAMPTZ) + INTERVAL 1 DAY)  -- skips history
GROUP BY GROUPING SETS ((p.period, c.team), (p.period))
