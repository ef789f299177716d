-- Coverage history per repository (DESIGN 4, Quality): for each repo and month
-- in the filtered window, its last report of that month; ``is_latest`` flags
-- the repo's last report in the window (the bar the page draws; the rest is the
-- sparkline).  Coverage = covered / valid of that report, never an average.
WITH m AS (
    SELECT * FROM coverage_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                              $f_start::DATE, $f_end::DATE)
),
monthly AS (
    SELECT *, CAST(date_trunc('month', measured_at) AS DATE) AS month,
           row_number() OVER (PARTITION BY repo, date_trunc('month', measured_at)
                              ORDER BY measured_at DESC, fingerprint DESC) AS rank_in_month
    FROM m
)
SELECT repo, project, team, month, measured_at, tool, commit_sha,
       lines_valid, lines_covered, lines_covered / nullif(lines_valid, 0)         AS line_coverage,
       branches_valid, branches_covered, branches_covered / nullif(branches_valid, 0) AS branch_coverage,
       month = max(month) OVER (PARTITION BY repo)                                 AS is_latest
FROM monthly
WHERE rank_in_month = 1
ORDER BY repo, month;
