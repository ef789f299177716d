-- The most-copied blocks of code across repositories (derived table
-- duplicate_blocks): one row per block touching a filtered repository, with its
-- number of repositories and copies, its size in normalised code lines, and two
-- of its locations (first in repository order) with links to the lines.
-- Longest first (a copied function outweighs a few lines of boilerplate), then
-- the most widely copied.
WITH filtered AS (SELECT repo FROM content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[])),
located AS (
    SELECT b.*, r.url, r.head,
           row_number() OVER (PARTITION BY b.block_key ORDER BY b.repo, b.path, b.first_line) AS n
    FROM duplicate_blocks b
    JOIN content_repos_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[]) r ON r.repo = b.repo
    WHERE b.block_key IN (SELECT block_key FROM duplicate_blocks WHERE repo IN (SELECT repo FROM filtered))
)
SELECT lpad(printf('%x', block_key & 4294967295), 8, '0')                       AS block,
       max(repos)::INTEGER                                                       AS repos,
       count(*)::INTEGER                                                         AS copies,
       max(code_lines)::INTEGER                                                  AS code_lines,
       any_value(repo || '/' || path || ':' || first_line || '-' || last_line) FILTER (WHERE n = 1) AS location_a,
       any_value(source_link(url, head, path, first_line, last_line)) FILTER (WHERE n = 1)        AS link_a,
       any_value(repo || '/' || path || ':' || first_line || '-' || last_line) FILTER (WHERE n = 2) AS location_b,
       any_value(source_link(url, head, path, first_line, last_line)) FILTER (WHERE n = 2)        AS link_b,
       string_agg(DISTINCT repo, ', ' ORDER BY repo)                            AS in_repos
FROM located
GROUP BY block_key
ORDER BY code_lines DESC, repos DESC, copies DESC, location_a
