-- quality_coverage_summary.sql's line coverage, for the scorecard: per period
-- ($p_names / $p_ends, zipped: each repo's latest report on or before the end)
-- and per team, plus the community (is_community, team NULL), in one pass.  The
-- latest report is chosen per repository with latest_coverage_in's tie-break (the
-- newest, then the highest fingerprint: (repo, fingerprint) is the key, measured_at
-- is never NULL) as one aggregate instead of a window; a repository has one team,
-- so choosing it before grouping by team is what a team filter gives.
-- tests/test_scorecard_grouped.py checks it against quality.coverage_summary.
WITH periods AS (
    SELECT unnest($p_names::VARCHAR[]) AS period, unnest($p_ends::DATE[]) AS p_end
),
latest AS (   -- per period and repository, the newest report (then the highest fingerprint) by the end
    SELECT p.period, c.repo, any_value(c.team) AS team,
           arg_max({'covered': c.lines_covered, 'valid': c.lines_valid}, (c.measured_at, c.fingerprint)) AS report
    FROM coverage_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[], NULL::DATE, $span_end::DATE) c
    JOIN periods p ON p.p_end IS NULL OR c.measured_at < CAST(p.p_end AS TIMESTAMPTZ) + INTERVAL 1 DAY
    GROUP BY p.period, c.repo
)
SELECT period, grouping(team) = 1 AS is_community, team,
       count(*)                                                   AS repos_measured,
       sum(report.covered) / nullif(sum(report.valid), 0)         AS line_coverage
FROM latest
GROUP BY GROUPING SETS ((period, team), (period))
