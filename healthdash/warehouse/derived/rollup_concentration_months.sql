-- Rebuilt at the end of every write session, after contribution_facts (see
-- schema/0024_monthly_rollups.sql): sql/neutrality_trend.sql's answer for the whole community
-- over every kind, bots left out and counted in (the unfiltered view reads ~260 rows instead of
-- ranking 2.4M contributions' organisations per call).  Same definitions: independents count
-- one organisation per person (org_unit); elephant factor, HHI, 1/HHI, top-1 and independents' share.
CREATE OR REPLACE TABLE concentration_months AS
WITH units AS (
    SELECT b.with_bots, c.month, c.org_unit, count(*) AS n, count(*) FILTER (WHERE c.is_independent) AS n_independent
    FROM contribution_facts c
    JOIN (VALUES (false), (true)) b(with_bots) ON b.with_bots OR NOT c.is_bot
    GROUP BY b.with_bots, c.month, c.org_unit
),
shares AS (
    SELECT *, n / sum(n) OVER (PARTITION BY with_bots, month) AS share,
           sum(n) OVER (PARTITION BY with_bots, month ORDER BY n DESC, org_unit
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
             / sum(n) OVER (PARTITION BY with_bots, month) AS cumulative
    FROM units
)
SELECT with_bots, month,
       CAST(sum(n) AS BIGINT) AS contributions,
       CAST(count(*) FILTER (WHERE cumulative - share < 0.5 - 1e-12) AS BIGINT) AS elephant_factor,
       sum(share * share) AS hhi, 1 / sum(share * share) AS effective_orgs, max(share) AS top1_share,
       sum(n_independent) / sum(n) AS independent_share
FROM shares
GROUP BY with_bots, month
ORDER BY with_bots, month;
