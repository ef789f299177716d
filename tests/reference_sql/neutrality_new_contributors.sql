-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- New contributors per month and how many were still active six months on.
-- A person is new in the month of their first contribution in scope (team,
-- project, repo, kind, organisation filters; the date filter only picks which
-- months are shown).  Retained = at least one contribution in the three
-- months starting six months after the first month ([m+6, m+9)).
-- retention is NULL while that window has not fully passed in the data.
WITH c AS (
    SELECT person_id, month
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          NULL::DATE, NULL::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
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
ORDER BY month;
