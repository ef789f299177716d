-- Reviews per organisation (DESIGN 4): Code-Review votes / GitHub reviews on
-- other people's changes (review + core_review contributions, attributed to the
-- reviewer's organisation at the vote date), with core approvals (+2 / APPROVED)
-- and distinct reviewers.  Self-votes are not reviews; see review_by_person.
-- Reads contribution_counts_in (whole-history rollup when the filters allow, else the
-- filtered contributions one by one): counts are sum(n).
SELECT org,
       CAST(sum(n) AS BIGINT)                                     AS reviews,
       CAST(coalesce(sum(n) FILTER (WHERE kind = 'core_review'), 0) AS BIGINT) AS core_approvals,
       CAST(count(DISTINCT person_id) AS BIGINT)                  AS reviewers,
       sum(n) / sum(sum(n)) OVER ()                               AS share
FROM contribution_counts_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                            $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], ['review', 'core_review'],
                            $f_bots::BOOLEAN, $f_rollups::BOOLEAN)
GROUP BY org
ORDER BY reviews DESC, org;
