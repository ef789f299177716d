-- Review coverage (DESIGN 4, Security): share of non-merge commits on the
-- collected (default) branch that landed through a merged change approved
-- (Code-Review +2 / GitHub APPROVED, not CI) by a person other than both the
-- commit's author and the change's owner.  Commits link to changes by
-- Change-Id within the repo (Gerrit) or by merge / head sha (GitHub).  By month
-- of the commit date.  The organisation filter keeps the commits authored by
-- the organisation's people: the author's organisation at the commit date, as
-- attributed in contribution_facts (kind 'commit', item_key repo@sha).
-- An approval counts only while it is the reviewer's latest Code-Review word on
-- the change: a +2 later withdrawn (Gerrit "-Code-Review", stored as a 0 vote)
-- or lowered does not cover the commit.
WITH scoped_commits AS (
    SELECT c.repo, c.sha, c.change_id, c.commit_date, ip.person_id AS author_person
    FROM commits c
    LEFT JOIN repos r ON r.name = c.repo
    LEFT JOIN projects p ON p.name = coalesce(r.project, c.repo)
    LEFT JOIN identity_people ip ON ip.identity_id = c.author_identity
    WHERE NOT c.is_merge
      AND ($f_teams::VARCHAR[] IS NULL OR list_contains($f_teams::VARCHAR[], coalesce(p.team, 'Unassigned')))
      AND ($f_projects::VARCHAR[] IS NULL OR list_contains($f_projects::VARCHAR[], coalesce(r.project, c.repo)))
      AND ($f_repos::VARCHAR[] IS NULL OR list_contains($f_repos::VARCHAR[], c.repo))
      AND ($f_start::DATE IS NULL OR c.commit_date >= CAST($f_start::DATE AS TIMESTAMPTZ))
      AND ($f_end::DATE IS NULL OR c.commit_date < CAST($f_end::DATE AS TIMESTAMPTZ) + INTERVAL 1 DAY)
      AND ($f_orgs::VARCHAR[] IS NULL
           OR c.repo || '@' || c.sha IN (SELECT item_key FROM contribution_facts
                                         WHERE kind = 'commit' AND list_contains($f_orgs::VARCHAR[], org)))
),
approvals AS (
    SELECT ch.source, ch.change_key, ch.repo, ch.change_id, ch.merge_sha, ch.head_sha,
           op.person_id AS owner_person, vp.person_id AS approver_person
    FROM changes ch
    JOIN review_votes v USING (source, change_key)
    JOIN identity_people vp ON vp.identity_id = v.reviewer_identity
    LEFT JOIN identity_people op ON op.identity_id = ch.owner_identity
    WHERE ch.status = 'MERGED' AND v.label = 'Code-Review' AND v.value = 2
      AND NOT coalesce(v.is_ci, false) AND NOT vp.is_bot
      AND vp.person_id IS DISTINCT FROM op.person_id
      AND NOT EXISTS (SELECT 1 FROM review_votes later
                      WHERE later.source = v.source AND later.change_key = v.change_key
                        AND later.reviewer_identity = v.reviewer_identity AND later.label = 'Code-Review'
                        AND later.voted_at > v.voted_at AND later.value <> 2)
),
covered AS (
    SELECT DISTINCT s.repo, s.sha
    FROM scoped_commits s
    JOIN approvals a
      ON a.repo = s.repo
     AND ((s.change_id IS NOT NULL AND a.change_id = s.change_id)
          OR a.merge_sha = s.sha OR a.head_sha = s.sha)
     AND a.approver_person IS DISTINCT FROM s.author_person
)
SELECT CAST(date_trunc('month', s.commit_date) AS DATE)         AS month,
       CAST(count(*) AS BIGINT)                                  AS commits,
       CAST(count(cv.sha) AS BIGINT)                             AS reviewed,
       count(cv.sha) / count(*)                                  AS coverage
FROM scoped_commits s
LEFT JOIN covered cv ON cv.repo = s.repo AND cv.sha = s.sha
GROUP BY ALL
ORDER BY month;
