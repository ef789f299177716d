-- Month by month over the filtered contributions: elephant factor, HHI,
-- effective number of organisations, top-1 share and independents' share.
-- Independents count one organisation per person (org_unit).
-- The unfiltered view (bots in or out) reads concentration_months
-- (derived/rollup_concentration_months.sql, same definitions) unless $f_rollups is false.
WITH c AS (
    SELECT month, org_unit, is_independent
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
    WHERE NOT (coalesce($f_rollups::BOOLEAN, true) AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL
      AND $f_repos::VARCHAR[] IS NULL AND $f_orgs::VARCHAR[] IS NULL AND $f_kinds::VARCHAR[] IS NULL
      AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL)
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
UNION ALL
SELECT month, contributions, elephant_factor, hhi, effective_orgs, top1_share, independent_share
FROM concentration_months
WHERE coalesce($f_rollups::BOOLEAN, true) AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL
      AND $f_repos::VARCHAR[] IS NULL AND $f_orgs::VARCHAR[] IS NULL AND $f_kinds::VARCHAR[] IS NULL
      AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL
  AND with_bots = coalesce($f_bots::BOOLEAN, false)
ORDER BY month;
