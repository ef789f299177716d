-- Concentration per contribution kind and over all filtered kinds ('all'):
--   elephant_factor = fewest organisations whose shares sum to >= 50%;
--   top1/top2 share; HHI = sum of squared shares (0..1); effective_orgs = 1/HHI;
--   independent_share = share of contributions by people with no organisation.
-- Each independent (or unknown) person is their own organisation here
-- (org_unit), as the community's own tooling counted them.
-- Reads contribution_counts_in (whole-history rollup when the filters allow, else the
-- filtered contributions one by one): counts are sum(n).
WITH c AS (
    SELECT kind, org_unit, is_independent, n
    FROM contribution_counts_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                                $f_bots::BOOLEAN, $f_rollups::BOOLEAN)
),
both_levels AS (
    SELECT kind, org_unit, is_independent, n FROM c
    UNION ALL
    SELECT 'all', org_unit, is_independent, n FROM c
),
units AS (
    SELECT kind, org_unit, sum(n) AS n, coalesce(sum(n) FILTER (WHERE is_independent), 0) AS n_independent
    FROM both_levels GROUP BY kind, org_unit
),
shares AS (
    SELECT kind, org_unit, n, n_independent,
           n / sum(n) OVER (PARTITION BY kind) AS share,
           sum(n) OVER (PARTITION BY kind ORDER BY n DESC, org_unit
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
             / sum(n) OVER (PARTITION BY kind)  AS cumulative,
           row_number() OVER (PARTITION BY kind ORDER BY n DESC, org_unit) AS rnk
    FROM units
)
SELECT kind,
       CAST(sum(n) AS BIGINT)                                   AS contributions,
       CAST(count(*) AS BIGINT)                                 AS organisations,
       CAST(count(*) FILTER (WHERE cumulative - share < 0.5 - 1e-12) AS BIGINT) AS elephant_factor,
       max(share) FILTER (WHERE rnk = 1)                        AS top1_share,
       sum(share) FILTER (WHERE rnk <= 2)                       AS top2_share,
       any_value(org_unit) FILTER (WHERE rnk = 1)               AS top_org,
       sum(share * share)                                       AS hhi,
       1 / sum(share * share)                                   AS effective_orgs,
       sum(n_independent) / sum(n)                              AS independent_share
FROM shares
GROUP BY kind
ORDER BY kind = 'all' DESC, kind;
