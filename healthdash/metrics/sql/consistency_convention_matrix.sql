-- Convention matrix (DESIGN 4, Consistency): repositories x checks at each
-- repository's latest read head; passed false = a hole, detail says what is missing.
SELECT r.repo, r.project, r.team, l.check_name, l.title AS check_title, l.position, l.passed, l.detail
FROM content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[]) r
JOIN latest_conventions l ON l.repo = r.repo
ORDER BY r.repo, l.position, l.check_name
