-- Monthly non-merge commits by organisation (DESIGN 4, company-neutral participation).
-- The $top_n organisations with most commits in the filtered window keep their
-- name, the rest are summed as 'Others'; 'Independent' stays apart (it is not an
-- organisation).  Every (month, org) pair between the first and last month is
-- present (0 when none) so stacked areas do not interpolate over gaps.
-- Reads contribution_months_in (monthly rollup when the filters allow, else the filtered
-- contributions one by one): counts are sum(n).
WITH c AS (
    SELECT org, month, n
    FROM contribution_months_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                                $f_bots::BOOLEAN, $f_rollups::BOOLEAN)
),
ranked AS (
    SELECT org, row_number() OVER (ORDER BY sum(n) DESC, org) AS rnk
    FROM c
    WHERE org <> 'Independent'
    GROUP BY org
),
labelled AS (
    SELECT c.month,
           CASE WHEN c.org = 'Independent' THEN 'Independent'
                WHEN r.rnk <= $top_n THEN c.org
                ELSE 'Others' END AS org,
           c.n
    FROM c LEFT JOIN ranked r USING (org)
),
counts AS (
    SELECT month, org, sum(n) AS commits FROM labelled GROUP BY month, org
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
