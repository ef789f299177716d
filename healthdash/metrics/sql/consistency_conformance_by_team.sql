-- consistency_conformance_by_repo.sql's counts summed per team and over every repository
-- (is_community, team NULL), for the scorecard: checks that apply and checks passed, the
-- per-repository rows' sums without their per-repository text (holes) and order, which
-- cost most of the per-repository query.  A team's row exists only when some repository of
-- it has checks.  tests/test_scorecard_grouped.py checks it against consistency.summary.
SELECT grouping(r.team) = 1                        AS is_community, r.team,
       CAST(count(*) AS BIGINT)                    AS checks,
       CAST(count(*) FILTER (WHERE l.passed) AS BIGINT) AS passed
FROM content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[]) r
JOIN latest_conventions l ON l.repo = r.repo
GROUP BY GROUPING SETS ((r.team), ())
HAVING count(*) > 0 AND (grouping(r.team) = 1 OR r.team IS NOT NULL)
