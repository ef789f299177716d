-- Rebuilt at the end of every write session, after contribution_totals (files run in name order;
-- see schema/0031_pony_factor_kinds.sql): sql/neutrality_pony_factor.sql's answer for the whole
-- community, bots left out and counted in.  Same definitions: the fewest people whose
-- contributions reach 50% of the kind's (ties by person), per kind and over all kinds ('all').
CREATE OR REPLACE TABLE pony_factor_kinds AS
WITH c AS (
    SELECT b.with_bots, t.kind, t.person_id, t.n
    FROM contribution_totals t
    JOIN (VALUES (false), (true)) b(with_bots) ON b.with_bots OR NOT t.is_bot
),
per_person AS (
    SELECT with_bots, kind, person_id, sum(n) AS n FROM (
        SELECT with_bots, kind, person_id, n FROM c UNION ALL SELECT with_bots, 'all', person_id, n FROM c
    ) GROUP BY with_bots, kind, person_id
),
shares AS (
    SELECT with_bots, kind, person_id, n,
           n / sum(n) OVER (PARTITION BY with_bots, kind) AS share,
           sum(n) OVER (PARTITION BY with_bots, kind ORDER BY n DESC, person_id
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
             / sum(n) OVER (PARTITION BY with_bots, kind) AS cumulative
    FROM per_person
)
SELECT with_bots, kind,
       CAST(sum(n) AS BIGINT)                                                    AS contributions,
       CAST(count(*) AS BIGINT)                                                  AS people,
       CAST(count(*) FILTER (WHERE cumulative - share < 0.5 - 1e-12) AS BIGINT) AS pony_factor,
       max(share)                                                                AS top_person_share
FROM shares
GROUP BY with_bots, kind
ORDER BY with_bots, kind;
