-- Convention adoption per check: repositories passing it over repositories checked.
SELECT l.check_name, l.title AS check_title,
       count(*)::INTEGER                              AS repos,
       count(*) FILTER (WHERE l.passed)::INTEGER      AS passed,
       count(*) FILTER (WHERE l.passed) / count(*)    AS adoption,
       string_agg(l.repo, ', ' ORDER BY l.repo) FILTER (WHERE NOT l.passed) AS missing_in
FROM content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[]) r
JOIN latest_conventions l ON l.repo = r.repo
GROUP BY l.check_name, l.title, l.position
ORDER BY l.position, l.check_name
