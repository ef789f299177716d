-- One row for the headline numbers (DESIGN 4, Quality): line and branch
-- coverage over every filtered repo's latest report on or before $f_end,
-- weighted by lines (sum covered / sum valid), and how many repos are measured.
WITH latest AS (
    SELECT * FROM latest_coverage_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                     $f_end::DATE)
)
SELECT count(*)                                                   AS repos_measured,
       CAST(coalesce(sum(lines_valid), 0) AS BIGINT)                  AS lines_valid,
       CAST(coalesce(sum(lines_covered), 0) AS BIGINT)                AS lines_covered,
       sum(lines_covered) / nullif(sum(lines_valid), 0)           AS line_coverage,
       sum(branches_covered) / nullif(sum(branches_valid), 0)     AS branch_coverage,
       max(measured_at)                                           AS last_measured_at
FROM latest;
