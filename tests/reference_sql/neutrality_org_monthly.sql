-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- Monthly contributions by organisation for the stacked share chart: the
-- $top_n organisations with most contributions over the whole filter keep
-- their name, the rest become "Others"; "Independent" always stays its own
-- series.  Every series has a row for every month from the first to the last
-- (0 when absent) so stacked charts do not interpolate across gaps.
-- share = the series' part of that month's contributions (NULL in an empty month).
WITH c AS (
    SELECT month, org, is_independent
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
),
ranked AS (
    SELECT org, row_number() OVER (ORDER BY count(*) DESC, org) AS rnk
    FROM c WHERE NOT is_independent GROUP BY org
),
labelled AS (
    SELECT c.month,
           CASE WHEN c.is_independent THEN 'Independent'
                WHEN r.rnk <= $top_n THEN c.org ELSE 'Others' END AS org
    FROM c LEFT JOIN ranked r USING (org)
),
months AS (
    SELECT CAST(m AS DATE) AS month
    FROM (SELECT min(month) AS lo, max(month) AS hi FROM c) b,
         generate_series(b.lo, b.hi, INTERVAL 1 MONTH) g(m)
    WHERE b.lo IS NOT NULL
),
grid AS (SELECT m.month, s.org FROM months m CROSS JOIN (SELECT DISTINCT org FROM labelled) s),
counts AS (SELECT month, org, count(*) AS n FROM labelled GROUP BY month, org)
SELECT g.month, g.org,
       CAST(coalesce(n.n, 0) AS BIGINT)                                       AS contributions,
       coalesce(n.n, 0) / nullif(sum(coalesce(n.n, 0)) OVER (PARTITION BY g.month), 0) AS share
FROM grid g LEFT JOIN counts n USING (month, org)
ORDER BY g.month, contributions DESC, g.org;
