-- New contributors per month and how many were still active six months on.
-- A person is new in the month of their first contribution in scope (team,
-- project, repo, kind, organisation filters; the date filter only picks which
-- months are shown).  Retained = at least one contribution in the three
-- months starting six months after the first month ([m+6, m+9)).
-- retention is NULL while that window has not fully passed in the data.
-- With no filter but the bots and the window, reads new_contributor_months
-- (derived/rollup_new_contributor_months.sql, same definitions) unless $f_rollups is false.
WITH c AS (
    SELECT person_id, month
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          NULL::DATE, NULL::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
    WHERE NOT (coalesce($f_rollups::BOOLEAN, true) AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL
      AND $f_repos::VARCHAR[] IS NULL AND $f_orgs::VARCHAR[] IS NULL AND $f_kinds::VARCHAR[] IS NULL)
),
firsts AS (SELECT person_id, min(month) AS first_month FROM c GROUP BY person_id),
last_month AS (SELECT max(month) AS m FROM c),
retained AS (
    SELECT f.person_id, f.first_month,
           EXISTS (SELECT 1 FROM c WHERE c.person_id = f.person_id
                     AND c.month >= f.first_month + INTERVAL 6 MONTH
                     AND c.month <  f.first_month + INTERVAL 9 MONTH) AS kept
    FROM firsts f
)
SELECT r.first_month                                        AS month,
       CAST(count(*) AS BIGINT)                             AS new_contributors,
       CAST(count(*) FILTER (WHERE kept) AS BIGINT)         AS retained,
       CASE WHEN r.first_month + INTERVAL 8 MONTH <= any_value(l.m)
            THEN count(*) FILTER (WHERE kept) / count(*) END AS retention
FROM retained r CROSS JOIN last_month l
WHERE ($f_start::DATE IS NULL OR r.first_month >= date_trunc('month', $f_start::DATE))
  AND ($f_end::DATE IS NULL OR r.first_month <= $f_end::DATE)
GROUP BY r.first_month
UNION ALL
SELECT month, new_contributors, retained, retention
FROM new_contributor_months
WHERE coalesce($f_rollups::BOOLEAN, true) AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL
      AND $f_repos::VARCHAR[] IS NULL AND $f_orgs::VARCHAR[] IS NULL AND $f_kinds::VARCHAR[] IS NULL
  AND with_bots = coalesce($f_bots::BOOLEAN, false)
  AND ($f_start::DATE IS NULL OR month >= date_trunc('month', $f_start::DATE))
  AND ($f_end::DATE IS NULL OR month <= $f_end::DATE)
ORDER BY month;
