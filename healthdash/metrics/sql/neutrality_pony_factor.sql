-- Pony factor: the elephant factor over people -- the fewest people whose
-- contributions sum to >= 50% -- per kind and over all filtered kinds ('all').
-- top_person_share says how much rests on the single busiest person.
-- Reads contribution_counts_in (whole-history rollup when the filters allow, else the
-- filtered contributions one by one): counts are sum(n).  The unfiltered view (bots in or out)
-- reads pony_factor_kinds (derived/rollup_pony_factor_kinds.sql, same definitions).
WITH c AS (
    SELECT kind, person_id, n
    FROM contribution_counts_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                                $f_bots::BOOLEAN, $f_rollups::BOOLEAN)
    WHERE NOT (coalesce($f_rollups::BOOLEAN, true) AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL
      AND $f_repos::VARCHAR[] IS NULL AND $f_orgs::VARCHAR[] IS NULL AND $f_kinds::VARCHAR[] IS NULL
      AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL)
),
per_person AS (
    SELECT kind, person_id, sum(n) AS n FROM (
        SELECT kind, person_id, n FROM c UNION ALL SELECT 'all', person_id, n FROM c
    ) GROUP BY kind, person_id
),
shares AS (
    SELECT kind, person_id, n,
           n / sum(n) OVER (PARTITION BY kind) AS share,
           sum(n) OVER (PARTITION BY kind ORDER BY n DESC, person_id
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) / sum(n) OVER (PARTITION BY kind) AS cumulative
    FROM per_person
)
SELECT kind,
       CAST(sum(n) AS BIGINT)                                                    AS contributions,
       CAST(count(*) AS BIGINT)                                                  AS people,
       CAST(count(*) FILTER (WHERE cumulative - share < 0.5 - 1e-12) AS BIGINT) AS pony_factor,
       max(share)                                                                AS top_person_share
FROM shares
GROUP BY kind
UNION ALL
SELECT kind, contributions, people, pony_factor, top_person_share
FROM pony_factor_kinds
WHERE coalesce($f_rollups::BOOLEAN, true) AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL
      AND $f_repos::VARCHAR[] IS NULL AND $f_orgs::VARCHAR[] IS NULL AND $f_kinds::VARCHAR[] IS NULL
      AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL
  AND with_bots = coalesce($f_bots::BOOLEAN, false)
ORDER BY kind = 'all' DESC, kind;
