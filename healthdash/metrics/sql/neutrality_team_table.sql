-- One row per team with the neutrality metrics over the filtered
-- contributions: people, organisations (independents one per person),
-- elephant factor, top-1 / top-2 share, HHI, effective organisations, pony
-- factor and independents' share.
WITH c AS (
    SELECT team, org_unit, person_id, is_independent
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
),
orgs AS (
    SELECT team, org_unit, n, share,
           sum(share) OVER (PARTITION BY team ORDER BY n DESC, org_unit ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative,
           row_number() OVER (PARTITION BY team ORDER BY n DESC, org_unit) AS rnk
    FROM (SELECT team, org_unit, count(*) AS n, count(*) / sum(count(*)) OVER (PARTITION BY team) AS share
          FROM c GROUP BY team, org_unit)
),
org_stats AS (
    SELECT team,
           CAST(count(*) AS BIGINT)                                                 AS organisations,
           CAST(count(*) FILTER (WHERE cumulative - share < 0.5 - 1e-12) AS BIGINT) AS elephant_factor,
           max(share) FILTER (WHERE rnk = 1)                                        AS top1_share,
           sum(share) FILTER (WHERE rnk <= 2)                                       AS top2_share,
           any_value(org_unit) FILTER (WHERE rnk = 1)                               AS top_org,
           sum(share * share)                                                       AS hhi,
           1 / sum(share * share)                                                   AS effective_orgs
    FROM orgs GROUP BY team
),
people AS (
    SELECT team, share,
           sum(share) OVER (PARTITION BY team ORDER BY n DESC, person_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative
    FROM (SELECT team, person_id, count(*) AS n, count(*) / sum(count(*)) OVER (PARTITION BY team) AS share
          FROM c GROUP BY team, person_id)
),
people_stats AS (
    SELECT team, CAST(count(*) AS BIGINT) AS people,
           CAST(count(*) FILTER (WHERE cumulative - share < 0.5 - 1e-12) AS BIGINT) AS pony_factor
    FROM people GROUP BY team
),
totals AS (
    SELECT team, CAST(count(*) AS BIGINT) AS contributions,
           count(*) FILTER (WHERE is_independent) / count(*) AS independent_share
    FROM c GROUP BY team
)
SELECT t.team, t.contributions, p.people, o.organisations, o.elephant_factor, o.top_org,
       o.top1_share, o.top2_share, o.hhi, o.effective_orgs, p.pony_factor, t.independent_share
FROM totals t JOIN org_stats o USING (team) JOIN people_stats p USING (team)
ORDER BY t.contributions DESC, t.team;
