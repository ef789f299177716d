-- Convention conformance per repository: checks passed over checks that apply.
SELECT r.repo, r.project, r.team,
       count(*)::INTEGER                              AS checks,
       count(*) FILTER (WHERE l.passed)::INTEGER      AS passed,
       count(*) FILTER (WHERE l.passed) / count(*)    AS conformance,
       string_agg(l.title, ', ' ORDER BY l.position) FILTER (WHERE NOT l.passed) AS holes
FROM content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[]) r
JOIN latest_conventions l ON l.repo = r.repo
GROUP BY r.repo, r.project, r.team
ORDER BY conformance, r.repo
