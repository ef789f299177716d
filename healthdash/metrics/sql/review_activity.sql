-- Monthly review activity: reviews of others' changes, core approvals (+2 /
-- APPROVED), distinct reviewers and active core reviewers (people who gave a
-- core approval that month), and reviewer load = reviews per active core.
-- The unfiltered view (bots in or out) reads review_activity_months
-- (derived/rollup_review_activity_months.sql, same definitions) unless $f_rollups is false.
SELECT month, reviews, core_approvals, reviewers, active_cores, reviews_per_core
FROM review_activity_months
WHERE coalesce($f_rollups::BOOLEAN, true) AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL
      AND $f_repos::VARCHAR[] IS NULL AND $f_orgs::VARCHAR[] IS NULL
      AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL
  AND with_bots = coalesce($f_bots::BOOLEAN, false)
UNION ALL (
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
WHERE NOT (coalesce($f_rollups::BOOLEAN, true) AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL
      AND $f_repos::VARCHAR[] IS NULL AND $f_orgs::VARCHAR[] IS NULL
      AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL)
GROUP BY ALL
ORDER BY month
)
ORDER BY month;
