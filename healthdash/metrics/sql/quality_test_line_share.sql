-- Share of changed lines that touch test files, per repository (DESIGN 4,
-- Quality and Strategic): over the filtered non-merge commits (team, project,
-- repo, window, organisation, bots -- the contribution kind is always
-- 'commit'), sum(added + removed) in test paths (macro is_test_path) divided by
-- sum(added + removed) in all paths.  Binary files (no line counts) count 0.
WITH c AS (
    SELECT DISTINCT item_key, repo, project, team
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], ['commit'],
                          $f_bots::BOOLEAN)
),
lines AS (
    SELECT c.repo, c.project, c.team, f.sha,
           coalesce(f.added, 0) + coalesce(f.removed, 0) AS changed,
           is_test_path(f.path)                          AS is_test
    FROM c
    JOIN commit_files f ON c.item_key = f.repo || '@' || f.sha
)
SELECT repo, project, team,
       count(DISTINCT sha)                                            AS commits,
       CAST(sum(changed) AS BIGINT)                                       AS changed_lines,
       CAST(coalesce(sum(changed) FILTER (WHERE is_test), 0) AS BIGINT)   AS test_lines,
       coalesce(sum(changed) FILTER (WHERE is_test), 0) / nullif(sum(changed), 0) AS test_share
FROM lines
GROUP BY repo, project, team
ORDER BY test_share DESC NULLS LAST, repo;
