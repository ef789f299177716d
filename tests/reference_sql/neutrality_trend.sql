-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- Month by month over the filtered contributions: elephant factor, HHI,
-- effective number of organisations, top-1 share and independents' share.
-- Independents count one organisation per person (org_unit).
WITH c AS (
    SELECT month, org_unit, is_independent
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
),
units AS (
    SELECT month, org_unit, count(*) AS n, count(*) FILTER (WHERE is_independent) AS n_independent
    FROM c GROUP BY month, org_unit
),
shares AS (
    SELECT *, n / sum(n) OVER (PARTITION BY month) AS share,
           sum(n) OVER (PARTITION BY month ORDER BY n DESC, org_unit
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) / sum(n) OVER (PARTITION BY month) AS cumulative
    FROM units
)
SELECT month,
       CAST(sum(n) AS BIGINT)                                                   AS contributions,
       CAST(count(*) FILTER (WHERE cumulative - share < 0.5 - 1e-12) AS BIGINT) AS elephant_factor,
       sum(share * share)                                                       AS hhi,
       1 / sum(share * share)                                                   AS effective_orgs,
       max(share)                                                               AS top1_share,
       sum(n_independent) / sum(n)                                              AS independent_share
FROM shares
GROUP BY month
ORDER BY month;
