-- Coverage over time per project (DESIGN 4, Quality): for every month from the
-- window's start (or the first report) to its end (or the last report), each
-- repo's latest report on or before that month's end, summed per project:
-- sum(covered) / sum(valid).  A repo not re-measured in a month keeps its last
-- figure, so a project's line does not jump when one repo skips a month.
-- ``month`` is the first day of the month; the value holds at its end.
-- Each repo's last report of each month first (arg_max on measured_at, then fingerprint),
-- then each such month's figures are spread over the window's months up to the repo's next
-- report month: every month takes each repo's latest report month on or before it, months x
-- repos rows, not months x reports (17,700 vs 1M at 300 repos).  (An ASOF JOIN of a months x
-- repos grid gave the same rows ~1.5x slower: tests/test_chart_rewrites.py.)
WITH m AS (
    SELECT repo, project, fingerprint, measured_at, lines_valid, lines_covered, branches_valid, branches_covered,
           CAST(date_trunc('month', measured_at) AS DATE) AS report_month
    FROM coverage_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                     NULL::DATE, $f_end::DATE)
),
bounds AS (
    SELECT CAST(date_trunc('month', coalesce($f_start::DATE, CAST(min(measured_at) AS DATE))) AS DATE) AS lo,
           CAST(date_trunc('month', coalesce($f_end::DATE, CAST(max(measured_at) AS DATE))) AS DATE) AS hi
    FROM m
),
last_of_month AS (
    SELECT repo, report_month, project, last.*
    FROM (SELECT repo, report_month, any_value(project) AS project,
                 arg_max({'lines_valid': lines_valid, 'lines_covered': lines_covered,
                          'branches_valid': branches_valid, 'branches_covered': branches_covered},
                         (measured_at, fingerprint)) AS last
          FROM m GROUP BY repo, report_month)
),
spans AS (     -- each repo's month report holds until the month before its next one
    SELECT *, lead(report_month) OVER (PARTITION BY repo ORDER BY report_month) AS next_month
    FROM last_of_month
),
as_of AS (     -- ... spread over the window's months it holds for
    SELECT CAST(unnest(generate_series(greatest(s.report_month, b.lo),
                                       least(coalesce(CAST(s.next_month - INTERVAL 1 MONTH AS DATE), b.hi), b.hi),
                                       INTERVAL 1 MONTH)) AS DATE) AS month,
           s.project, s.lines_valid, s.lines_covered, s.branches_valid, s.branches_covered
    FROM spans s, bounds b
    WHERE b.lo IS NOT NULL AND b.lo <= b.hi
)
SELECT month, project,
       count(*)                                                   AS repos_measured,
       CAST(sum(lines_valid) AS BIGINT)                               AS lines_valid,
       CAST(sum(lines_covered) AS BIGINT)                             AS lines_covered,
       sum(lines_covered) / nullif(sum(lines_valid), 0)           AS line_coverage,
       CAST(sum(branches_valid) AS BIGINT)                            AS branches_valid,
       CAST(sum(branches_covered) AS BIGINT)                          AS branches_covered,
       sum(branches_covered) / nullif(sum(branches_valid), 0)     AS branch_coverage
FROM as_of
GROUP BY month, project
ORDER BY month, project;
