-- Share of the filtered contributions attributed by each rule (attribution_rule
-- of the contributions view, schema 0012), bots included whatever the filter
-- says, so the committee sees how far organisation numbers can be trusted:
-- share = contributions by the rule / all filtered contributions.
WITH c AS (
    SELECT attribution_rule
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[], true)
),
rules(rule, pos) AS (
    VALUES ('affiliation period', 1), ('domain map', 2), ('unmapped domain', 3), ('public mail', 4),
           ('independent', 5), ('no email', 6), ('bot', 7)
),
counts AS (
    SELECT attribution_rule AS rule, count(*) AS n FROM c GROUP BY ALL
)
SELECT r.rule, CAST(coalesce(n.n, 0) AS BIGINT) AS contributions,
       coalesce(n.n, 0) / nullif((SELECT count(*) FROM c), 0) AS share
FROM rules r LEFT JOIN counts n USING (rule)
ORDER BY r.pos;
