-- Reviews per organisation (DESIGN 4): Code-Review votes / GitHub reviews on
-- other people's changes (review + core_review contributions, attributed to the
-- reviewer's organisation at the vote date), with core approvals (+2 / APPROVED)
-- and distinct reviewers.  Self-votes are not reviews; see review_by_person.
SELECT org,
       CAST(count(*) AS BIGINT)                                   AS reviews,
       CAST(count(*) FILTER (WHERE kind = 'core_review') AS BIGINT) AS core_approvals,
       CAST(count(DISTINCT person_id) AS BIGINT)                  AS reviewers,
       count(*) / sum(count(*)) OVER ()                           AS share
FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                      $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], ['review', 'core_review'],
                      $f_bots::BOOLEAN)
GROUP BY org
ORDER BY reviews DESC, org;
