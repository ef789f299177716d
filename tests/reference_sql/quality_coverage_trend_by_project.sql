-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- Coverage over time per project (DESIGN 4, Quality): for every month from the
-- window's start (or the first report) to its end (or the last report), each
-- repo's latest report on or before that month's end, summed per project:
-- sum(covered) / sum(valid).  A repo not re-measured in a month keeps its last
-- figure, so a project's line does not jump when one repo skips a month.
-- ``month`` is the first day of the month; the value holds at its end.
WITH m AS (
    SELECT * FROM coverage_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                              NULL::DATE, $f_end::DATE)
),
bounds AS (
    SELECT CAST(date_trunc('month', coalesce($f_start::DATE, CAST(min(measured_at) AS DATE))) AS DATE) AS lo,
           CAST(date_trunc('month', coalesce($f_end::DATE, CAST(max(measured_at) AS DATE))) AS DATE) AS hi
    FROM m
),
months AS (
    SELECT CAST(unnest(generate_series(lo, hi, INTERVAL 1 MONTH)) AS DATE) AS month
    FROM bounds WHERE lo IS NOT NULL AND lo <= hi
),
as_of AS (
    SELECT mo.month, m.*
    FROM months mo
    JOIN m ON m.measured_at < CAST(mo.month + INTERVAL 1 MONTH AS TIMESTAMPTZ)
    QUALIFY row_number() OVER (PARTITION BY mo.month, m.repo ORDER BY m.measured_at DESC, m.fingerprint DESC) = 1
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
