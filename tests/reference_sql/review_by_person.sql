-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- Reviews per person: votes on others' changes (reviews, of which core approvals)
-- and, separately, Code-Review votes on their own changes (self_votes, which no
-- participation number counts; found once per write: self_review_votes).  Org = the
-- reviewer's organisation at their latest review in the window.
-- Reads contribution_counts_in (whole-history rollup when the filters allow, else the
-- filtered contributions one by one): counts are sum(n).
WITH reviews AS (
    SELECT person_id, arg_max(org, last_ts) AS org, sum(n) AS reviews,
           coalesce(sum(n) FILTER (WHERE kind = 'core_review'), 0) AS core_approvals
    FROM contribution_counts_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], ['review', 'core_review'],
                                $f_bots::BOOLEAN, $f_rollups::BOOLEAN)
    GROUP BY person_id
),
self_votes AS (
    SELECT person_id, count(*) AS self_votes    -- the change's scope, as review_changes_in
    FROM self_review_votes
    WHERE ($f_teams::VARCHAR[] IS NULL OR list_contains($f_teams::VARCHAR[], team))
      AND ($f_projects::VARCHAR[] IS NULL OR list_contains($f_projects::VARCHAR[], project))
      AND ($f_repos::VARCHAR[] IS NULL OR list_contains($f_repos::VARCHAR[], repo))
      AND ($f_orgs::VARCHAR[] IS NULL OR list_contains($f_orgs::VARCHAR[], owner_org))
      AND ($f_start::DATE IS NULL OR voted_at >= CAST($f_start::DATE AS TIMESTAMPTZ))
      AND ($f_end::DATE IS NULL OR voted_at < CAST($f_end::DATE AS TIMESTAMPTZ) + INTERVAL 1 DAY)
    GROUP BY person_id
)
SELECT r.person_id, coalesce(pe.display_name, any_value(ip.name)) AS name, r.org,
       CAST(r.reviews AS BIGINT) AS reviews, CAST(r.core_approvals AS BIGINT) AS core_approvals,
       CAST(coalesce(s.self_votes, 0) AS BIGINT) AS self_votes
FROM reviews r
LEFT JOIN self_votes s USING (person_id)
LEFT JOIN people pe USING (person_id)
LEFT JOIN identity_people ip ON ip.person_id = r.person_id
GROUP BY r.person_id, pe.display_name, r.org, r.reviews, r.core_approvals, s.self_votes
ORDER BY reviews DESC, name;
