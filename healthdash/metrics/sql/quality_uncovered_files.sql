-- The files with the most uncovered lines (DESIGN 4, Quality): from each
-- filtered repo's latest report on or before $f_end, files ranked by
-- lines_valid - lines_covered (where tests would add the most), top $top_n.
WITH latest AS (
    SELECT * FROM latest_coverage_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                     $f_end::DATE)
)
SELECT l.repo, l.project, f.path,
       f.lines_valid, f.lines_covered,
       f.lines_valid - f.lines_covered                   AS lines_uncovered,
       f.lines_covered / nullif(f.lines_valid, 0)        AS line_coverage,
       l.measured_at
FROM latest l
JOIN coverage_files f ON f.repo = l.repo AND f.fingerprint = l.fingerprint
WHERE f.lines_valid > f.lines_covered
ORDER BY lines_uncovered DESC, l.repo, f.path
LIMIT $top_n;
