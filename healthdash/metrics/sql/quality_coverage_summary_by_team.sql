-- quality_coverage_summary.sql's line coverage, for the scorecard: per period
-- ($p_names / $p_ends, zipped: each repo's latest report on or before the end)
-- and per team, plus the community (is_community, team NULL), in one pass.  The
-- latest report is chosen per repository with latest_coverage_in's tie-break; a
-- repository has one team, so choosing it before grouping by team is what a team
-- filter gives.  tests/test_scorecard_grouped.py checks it against quality.coverage_summary.
WITH periods AS (
    SELECT unnest($p_names::VARCHAR[]) AS period, unnest($p_ends::DATE[]) AS p_end
),
latest AS (
    SELECT p.period, c.*
    FROM coverage_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[], NULL::DATE, NULL::DATE) c
    JOIN periods p ON p.p_end IS NULL OR c.measured_at < CAST(p.p_end AS TIMESTAMPTZ) + INTERVAL 1 DAY
    QUALIFY row_number() OVER (PARTITION BY p.period, c.repo ORDER BY c.measured_at DESC, c.fingerprint DESC) = 1
)
SELECT period, grouping(team) = 1 AS is_community, team,
       count(*)                                                   AS repos_measured,
       sum(lines_covered) / nullif(sum(lines_valid), 0)           AS line_coverage
FROM latest
GROUP BY GROUPING SETS ((period, team), (period))
