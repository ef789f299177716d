-- Share of changed lines that touch test files, per repository (DESIGN 4,
-- Quality and Strategic): over the filtered non-merge commits (team, project,
-- repo, window, organisation, bots -- the contribution kind is always
-- 'commit'), sum(added + removed) in test paths (macro is_test_path) divided by
-- sum(added + removed) in all paths.  Binary files (no line counts) count 0.
-- Each commit's sums come from commit_lines (derived/rollup_commit_lines.sql,
-- once per write); commits without file rows count nowhere.
-- Read from the rollups (schema/0023_commit_line_rollups.sql) unless $f_rollups is false
-- (the equivalence test): per repository and bot flag when no window or organisation
-- filter is set, else one row per commit, in day order (the window is a day range:
-- contributions_in compares ts with the UTC days' starts).
WITH use_totals AS (
    SELECT coalesce($f_rollups::BOOLEAN, true) AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL
           AND $f_orgs::VARCHAR[] IS NULL AS yes
),
c AS (
    SELECT DISTINCT item_key, repo, project, team
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], ['commit'],
                          $f_bots::BOOLEAN)
    WHERE NOT coalesce($f_rollups::BOOLEAN, true)
),
per_commit AS (
    SELECT c.repo, c.project, c.team, 1 AS commits, l.changed_lines, l.test_lines
    FROM c JOIN commit_lines l ON l.item_key = c.item_key
    UNION ALL
    SELECT repo, project, team, 1 AS commits, changed_lines, test_lines
    FROM commit_lines_attributed
    WHERE coalesce($f_rollups::BOOLEAN, true) AND NOT (SELECT yes FROM use_totals)
      AND ($f_teams::VARCHAR[] IS NULL OR list_contains($f_teams::VARCHAR[], team))
      AND ($f_projects::VARCHAR[] IS NULL OR list_contains($f_projects::VARCHAR[], project))
      AND ($f_repos::VARCHAR[] IS NULL OR list_contains($f_repos::VARCHAR[], repo))
      AND ($f_start::DATE IS NULL OR day >= $f_start::DATE)
      AND ($f_end::DATE IS NULL OR day <= $f_end::DATE)
      AND ($f_orgs::VARCHAR[] IS NULL OR list_contains($f_orgs::VARCHAR[], org))
      AND (coalesce($f_bots::BOOLEAN, false) OR NOT is_bot)
    UNION ALL
    SELECT repo, project, team, commits, changed_lines, test_lines
    FROM commit_lines_by_repo
    WHERE (SELECT yes FROM use_totals)
      AND ($f_teams::VARCHAR[] IS NULL OR list_contains($f_teams::VARCHAR[], team))
      AND ($f_projects::VARCHAR[] IS NULL OR list_contains($f_projects::VARCHAR[], project))
      AND ($f_repos::VARCHAR[] IS NULL OR list_contains($f_repos::VARCHAR[], repo))
      AND (coalesce($f_bots::BOOLEAN, false) OR NOT is_bot)
)
SELECT repo, project, team,
       CAST(sum(commits) AS BIGINT)                                        AS commits,
       CAST(sum(changed_lines) AS BIGINT)                                  AS changed_lines,
       CAST(sum(test_lines) AS BIGINT)                                     AS test_lines,
       sum(test_lines) / nullif(sum(changed_lines), 0)                     AS test_share
FROM per_commit
GROUP BY repo, project, team
ORDER BY test_share DESC NULLS LAST, repo;
