-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- Monthly non-merge commits by organisation (DESIGN 4, company-neutral participation).
-- The $top_n organisations with most commits in the filtered window keep their
-- name, the rest are summed as 'Others'; 'Independent' stays apart (it is not an
-- organisation).  Every (month, org) pair between the first and last month is
-- present (0 when none) so stacked areas do not interpolate over gaps.
WITH c AS (
    SELECT org, month
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
),
ranked AS (
    SELECT org, row_number() OVER (ORDER BY count(*) DESC, org) AS rnk
    FROM c
    WHERE org <> 'Independent'
    GROUP BY org
),
labelled AS (
    SELECT c.month,
           CASE WHEN c.org = 'Independent' THEN 'Independent'
                WHEN r.rnk <= $top_n THEN c.org
                ELSE 'Others' END AS org
    FROM c LEFT JOIN ranked r USING (org)
),
counts AS (
    SELECT month, org, count(*) AS commits FROM labelled GROUP BY month, org
),
bounds AS (
    SELECT min(month) AS lo, max(month) AS hi FROM counts
),
months AS (
    SELECT CAST(unnest(generate_series(lo, hi, INTERVAL 1 MONTH)) AS DATE) AS month
    FROM bounds WHERE lo IS NOT NULL
),
orgs AS (
    SELECT DISTINCT org FROM counts
)
SELECT m.month, o.org, CAST(coalesce(n.commits, 0) AS BIGINT) AS commits
FROM months m
CROSS JOIN orgs o
LEFT JOIN counts n ON n.month = m.month AND n.org = o.org
ORDER BY m.month, o.org;
