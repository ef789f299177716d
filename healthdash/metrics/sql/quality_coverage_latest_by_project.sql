-- Latest coverage per project, weighted by lines (DESIGN 4, Quality): each
-- repo's latest report on or before $f_end, then sum(covered) / sum(valid) over
-- the project's repos -- a 10,000-line repo weighs 100 times a 100-line one,
-- unlike an average of percentages.  Branch coverage sums only the repos whose
-- tool measured branches.
WITH latest AS (
    SELECT * FROM latest_coverage_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                     $f_end::DATE)
)
SELECT project, team,
       count(*)                                                   AS repos_measured,
       max(measured_at)                                           AS last_measured_at,
       CAST(sum(lines_valid) AS BIGINT)                               AS lines_valid,
       CAST(sum(lines_covered) AS BIGINT)                             AS lines_covered,
       sum(lines_covered) / nullif(sum(lines_valid), 0)           AS line_coverage,
       CAST(sum(branches_valid) AS BIGINT)                            AS branches_valid,
       CAST(sum(branches_covered) AS BIGINT)                          AS branches_covered,
       sum(branches_covered) / nullif(sum(branches_valid), 0)     AS branch_coverage
FROM latest
GROUP BY project, team
ORDER BY line_coverage DESC NULLS LAST, project;
