-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- Share of changed lines that touch test files, per repository (DESIGN 4,
-- Quality and Strategic): over the filtered non-merge commits (team, project,
-- repo, window, organisation, bots -- the contribution kind is always
-- 'commit'), sum(added + removed) in test paths (macro is_test_path) divided by
-- sum(added + removed) in all paths.  Binary files (no line counts) count 0.
-- Each commit's sums come from commit_lines (derived/rollup_commit_lines.sql,
-- once per write); commits without file rows count nowhere.
WITH c AS (
    SELECT DISTINCT item_key, repo, project, team
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], ['commit'],
                          $f_bots::BOOLEAN)
)
SELECT c.repo, c.project, c.team,
       count(*)                                                            AS commits,
       CAST(sum(l.changed_lines) AS BIGINT)                                AS changed_lines,
       CAST(sum(l.test_lines) AS BIGINT)                                   AS test_lines,
       sum(l.test_lines) / nullif(sum(l.changed_lines), 0)                 AS test_share
FROM c
JOIN commit_lines l ON l.item_key = c.item_key
GROUP BY c.repo, c.project, c.team
ORDER BY test_share DESC NULLS LAST, c.repo;
