-- neutrality_concentration.sql's 'all' row (top organisation's share, effective
-- number of organisations), for the scorecard: per period ($p_names / $p_starts /
-- $p_ends, zipped) and per team, plus the community (is_community, team NULL), in
-- one pass.  Same rows (contributions_in with the bots filter, every kind), same
-- day bounds, same unit (org_unit: each independent person their own organisation),
-- same shares (top share = the largest unit's count over the total; effective
-- organisations = 1 / HHI = total^2 / sum of squared counts, in integers until the
-- one division).  $span_start / $span_end (the periods' union) only let the scan
-- skip the rest of history.  tests/test_scorecard_grouped.py checks it against
-- neutrality.concentration.
WITH periods AS (
    SELECT unnest($p_names::VARCHAR[]) AS period, unnest($p_starts::DATE[]) AS p_start,
           unnest($p_ends::DATE[]) AS p_end
),
units AS (
    SELECT p.period, grouping(c.team) = 1 AS is_community, c.team, c.org_unit, count(*) AS n
    FROM contributions_in(NULL::VARCHAR[], NULL::VARCHAR[], NULL::VARCHAR[], $span_start::DATE, $span_end::DATE,
                          NULL::VARCHAR[], NULL::VARCHAR[], $f_bots::BOOLEAN) c
    JOIN periods p
      ON (p.p_start IS NULL OR c.ts >= CAST(p.p_start AS TIMESTAMPTZ))
     AND (p.p_end IS NULL OR c.ts < CAST(p.p_end AS TIMESTAMPTZ) + INTERVAL 1 DAY)
    GROUP BY GROUPING SETS ((p.period, c.team, c.org_unit), (p.period, c.org_unit))
)
SELECT period, is_community, team,
       CAST(sum(n) AS BIGINT)                          AS contributions,
       max(n) / sum(n)                                 AS top1_share,
       -- 1 / HHI = 1 / sum((n / total)^2) = total^2 / sum(n^2), without a window over the units
       sum(n) * sum(n) / sum(n * n)                    AS effective_orgs
FROM units
GROUP BY ALL
