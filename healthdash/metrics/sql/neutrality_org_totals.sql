-- Every organisation's contributions under the filters, with its people and its
-- most active person (ties: smallest person id): the entry points of the
-- organisation and person drill-downs.  Independents are one "Independent" row.
-- Reads contribution_counts_in (whole-history rollup when the filters allow, else the
-- filtered contributions one by one): counts are sum(n).
WITH c AS (
    SELECT org, person_id, n
    FROM contribution_counts_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                                $f_bots::BOOLEAN, $f_rollups::BOOLEAN)
),
per_person AS (
    SELECT org, person_id, sum(n) AS n,
           row_number() OVER (PARTITION BY org ORDER BY sum(n) DESC, person_id) AS rnk
    FROM c GROUP BY org, person_id
)
SELECT p.org,
       CAST(sum(p.n) AS BIGINT)                                   AS contributions,
       sum(p.n) / sum(sum(p.n)) OVER ()                           AS share,
       CAST(count(*) AS BIGINT)                                   AS people,
       any_value(p.person_id) FILTER (WHERE p.rnk = 1)            AS top_person_id,
       coalesce(any_value(pe.display_name) FILTER (WHERE p.rnk = 1),
                any_value(p.person_id) FILTER (WHERE p.rnk = 1))  AS top_person
FROM per_person p LEFT JOIN people pe USING (person_id)
GROUP BY p.org
ORDER BY contributions DESC, p.org;
