-- Contributions per organisation with their share of all filtered contributions
-- (DESIGN 4).  The $top_n biggest keep their row; the rest become one 'Others'
-- row (``organisations`` says how many it stands for).  ``contributors`` counts
-- distinct people, so someone who changed employer counts once per organisation.
-- Reads contribution_counts_in (whole-history rollup when the filters allow, else the
-- filtered contributions one by one): counts are sum(n).
WITH c AS (
    SELECT org, person_id, n
    FROM contribution_counts_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                                $f_bots::BOOLEAN, $f_rollups::BOOLEAN)
),
ranked AS (
    SELECT org, row_number() OVER (ORDER BY sum(n) DESC, org) AS rnk
    FROM c GROUP BY org
),
labelled AS (
    SELECT CASE WHEN r.rnk <= $top_n THEN c.org ELSE 'Others' END AS org,
           CASE WHEN r.rnk <= $top_n THEN r.rnk ELSE $top_n + 1 END AS rnk,
           c.org AS real_org, c.person_id, c.n
    FROM c JOIN ranked r USING (org)
)
SELECT org,
       CAST(sum(n) AS BIGINT)                          AS contributions,
       sum(n) / sum(sum(n)) OVER ()                    AS share,
       CAST(count(DISTINCT person_id) AS BIGINT)       AS contributors,
       CAST(count(DISTINCT real_org) AS BIGINT)        AS organisations
FROM labelled
GROUP BY org, rnk
ORDER BY rnk;
