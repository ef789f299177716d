-- Per organisation and contribution kind: count, people and share of the
-- kind's total (DESIGN 4).  Independents form one "Independent" row here, as in
-- every share chart; concentration metrics split them person by person.
-- Reads contribution_counts_in (whole-history rollup when the filters allow, else the
-- filtered contributions one by one): counts are sum(n).
WITH c AS (
    SELECT kind, org, person_id, n
    FROM contribution_counts_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                                $f_bots::BOOLEAN, $f_rollups::BOOLEAN)
)
SELECT kind, org,
       CAST(sum(n) AS BIGINT)                                  AS contributions,
       CAST(count(DISTINCT person_id) AS BIGINT)               AS people,
       sum(n) / sum(sum(n)) OVER (PARTITION BY kind)           AS share
FROM c
GROUP BY kind, org
ORDER BY kind, contributions DESC, org;
