-- Common-library adoption per team: over the team's repositories whose content was
-- read, the share of (repository, common library) pairs where the repository
-- declares the library as a runtime dependency.  Repositories outside any team: "(no team)".
SELECT coalesce(r.team, '(no team)')                            AS team,
       count(DISTINCT r.repo)::INTEGER                          AS repos,
       count(*)::INTEGER                                        AS pairs,
       count(*) FILTER (WHERE u.uses)::INTEGER                  AS declared,
       count(*) FILTER (WHERE u.uses) / count(*)                AS adoption
FROM content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[]) r
JOIN common_library_use_in($f_rollups::BOOLEAN) u ON u.repo = r.repo
GROUP BY 1
ORDER BY adoption DESC, team
