-- Monthly contributions by organisation for the stacked share chart: the
-- $top_n organisations with most contributions over the whole filter keep
-- their name, the rest become "Others"; "Independent" always stays its own
-- series.  share = the series' part of that month's contributions.
WITH c AS (
    SELECT CAST(date_trunc('month', ts) AS DATE) AS month, org, is_independent
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
),
ranked AS (
    SELECT org, row_number() OVER (ORDER BY count(*) DESC, org) AS rnk
    FROM c WHERE NOT is_independent GROUP BY org
),
labelled AS (
    SELECT c.month,
           CASE WHEN c.is_independent THEN 'Independent'
                WHEN r.rnk <= $top_n THEN c.org ELSE 'Others' END AS org
    FROM c LEFT JOIN ranked r USING (org)
)
SELECT month, org,
       CAST(count(*) AS BIGINT)                                 AS contributions,
       count(*) / sum(count(*)) OVER (PARTITION BY month)       AS share
FROM labelled
GROUP BY month, org
ORDER BY month, contributions DESC, org;
