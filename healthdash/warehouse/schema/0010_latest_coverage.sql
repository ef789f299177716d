-- Each filtered repo's latest coverage report on or before f_end: one
-- definition for every "latest" coverage metric (summary, per project,
-- uncovered files), so the tie-break (newest, then fingerprint) lives once.
CREATE MACRO latest_coverage_in(f_teams, f_projects, f_repos, f_end) AS TABLE
SELECT * FROM coverage_in(f_teams, f_projects, f_repos, NULL::DATE, f_end)
QUALIFY row_number() OVER (PARTITION BY repo ORDER BY measured_at DESC, fingerprint DESC) = 1;
