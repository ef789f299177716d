-- Latest coverage per repository as of the window's end (DESIGN 4, Quality):
-- the repo's most recent report measured on or before $f_end (any start date:
-- a repo measured once keeps its figure), with the report before it for the
-- change.  Coverage = covered / valid lines (and branches) of that report.
WITH m AS (
    SELECT * FROM coverage_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                              NULL::DATE, $f_end::DATE)
),
ranked AS (
    SELECT *, lines_covered / nullif(lines_valid, 0) AS line_coverage,
           branches_covered / nullif(branches_valid, 0) AS branch_coverage,
           row_number() OVER (PARTITION BY repo ORDER BY measured_at DESC, fingerprint DESC) AS recency
    FROM m
)
SELECT l.repo, l.project, l.team, l.measured_at, l.tool, l.commit_sha,
       l.lines_valid, l.lines_covered, l.line_coverage,
       l.branches_valid, l.branches_covered, l.branch_coverage,
       p.measured_at                         AS previous_measured_at,
       l.line_coverage - p.line_coverage     AS line_coverage_change
FROM ranked l
LEFT JOIN ranked p ON p.repo = l.repo AND p.recency = 2
WHERE l.recency = 1
ORDER BY l.line_coverage DESC NULLS LAST, l.repo;
