-- Common-library adoption (DESIGN 4, Commonality): one row per repository x common
-- library with how the repository uses it (see the common_library_use view).
-- Only repositories whose content was read appear: "not collected" is never "not used".
SELECT r.repo, r.project, r.team, u.label AS library, u.status, u.uses, u.importing_files, u.declared_in
FROM content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[]) r
JOIN common_library_use_in($f_rollups::BOOLEAN) u ON u.repo = r.repo
ORDER BY r.repo, u.label
