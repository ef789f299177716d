-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- Monthly review activity: reviews of others' changes, core approvals (+2 /
-- APPROVED), distinct reviewers and active core reviewers (people who gave a
-- core approval that month), and reviewer load = reviews per active core.
SELECT month,
       CAST(count(*) AS BIGINT)                                        AS reviews,
       CAST(count(*) FILTER (WHERE kind = 'core_review') AS BIGINT)    AS core_approvals,
       CAST(count(DISTINCT person_id) AS BIGINT)                       AS reviewers,
       CAST(count(DISTINCT person_id) FILTER (WHERE kind = 'core_review') AS BIGINT) AS active_cores,
       count(*) / nullif(count(DISTINCT person_id) FILTER (WHERE kind = 'core_review'), 0)
                                                                        AS reviews_per_core
FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                      $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], ['review', 'core_review'],
                      $f_bots::BOOLEAN)
GROUP BY ALL
ORDER BY month;
