-- Duplicated-line share per repository: normalised Python code lines inside
-- blocks also found in another repository (derived table duplicate_blocks),
-- over the repository's normalised Python code lines (repo_content).
-- shares_with: the other repositories holding any of its blocks (one join for all
-- repositories, not a subquery per repository: ~0.5 s at 2,000 repositories); NULL
-- for all when $shares_with is false (the scorecard: the list is ~0.2 s of names there).
WITH shared AS (
    SELECT b.repo, string_agg(DISTINCT o.repo, ', ' ORDER BY o.repo) AS shares_with
    FROM (SELECT DISTINCT repo, block_key FROM duplicate_blocks WHERE $shares_with::BOOLEAN) b
    JOIN duplicate_blocks o ON o.block_key = b.block_key AND o.repo <> b.repo
    GROUP BY b.repo
)
SELECT r.repo, r.project, r.team,
       r.python_lines,
       coalesce(sum(b.code_lines), 0)::INTEGER                    AS duplicated_lines,
       coalesce(sum(b.code_lines), 0) / nullif(r.python_lines, 0) AS duplicated_share,
       count(b.block_key)::INTEGER                                AS blocks,
       any_value(s.shares_with)                                   AS shares_with
FROM content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[]) r
LEFT JOIN duplicate_blocks b ON b.repo = r.repo
LEFT JOIN shared s ON s.repo = r.repo
GROUP BY r.repo, r.project, r.team, r.python_lines
ORDER BY duplicated_share DESC NULLS LAST, r.repo
