-- Duplicated-line share per repository: normalised Python code lines inside
-- blocks also found in another repository (derived table duplicate_blocks),
-- over the repository's normalised Python code lines (repo_content).
SELECT r.repo, r.project, r.team,
       r.python_lines,
       coalesce(sum(b.code_lines), 0)::INTEGER                    AS duplicated_lines,
       coalesce(sum(b.code_lines), 0) / nullif(r.python_lines, 0) AS duplicated_share,
       count(b.block_key)::INTEGER                                AS blocks,
       (SELECT string_agg(DISTINCT o.repo, ', ' ORDER BY o.repo) FROM duplicate_blocks o
        WHERE o.block_key IN (SELECT block_key FROM duplicate_blocks WHERE repo = r.repo)
          AND o.repo <> r.repo)                                   AS shares_with
FROM content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[]) r
LEFT JOIN duplicate_blocks b ON b.repo = r.repo
GROUP BY r.repo, r.project, r.team, r.python_lines
ORDER BY duplicated_share DESC NULLS LAST, r.repo
