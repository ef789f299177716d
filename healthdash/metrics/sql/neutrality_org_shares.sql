-- Per organisation and contribution kind: count, people and share of the
-- kind's total (DESIGN 4).  Independents form one "Independent" row here, as in
-- every share chart; concentration metrics split them person by person.
WITH c AS (
    SELECT kind, org, person_id
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
)
SELECT kind, org,
       CAST(count(*) AS BIGINT)                                AS contributions,
       CAST(count(DISTINCT person_id) AS BIGINT)               AS people,
       count(*) / sum(count(*)) OVER (PARTITION BY kind)       AS share
FROM c
GROUP BY kind, org
ORDER BY kind, contributions DESC, org;
