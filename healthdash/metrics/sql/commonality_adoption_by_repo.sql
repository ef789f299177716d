-- Common-library adoption per repository: the share of the community's common
-- libraries (other than itself) that the repository declares as a runtime dependency.
SELECT r.repo, r.project, r.team,
       count(*)::INTEGER                                        AS libraries,
       count(*) FILTER (WHERE u.uses)::INTEGER                  AS declared,
       count(*) FILTER (WHERE u.status = 'imported only')::INTEGER AS imported_only,
       count(*) FILTER (WHERE u.uses) / count(*)                AS adoption
FROM content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[]) r
JOIN common_library_use_in($f_rollups::BOOLEAN) u ON u.repo = r.repo
GROUP BY r.repo, r.project, r.team
ORDER BY adoption DESC, r.repo
