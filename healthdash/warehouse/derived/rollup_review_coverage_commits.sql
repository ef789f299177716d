-- Rebuilt at the end of every write session (see schema/0017_rollups.sql): the review
-- coverage definition (DESIGN 4, Security), evaluated once per non-merge commit on the
-- collected (default) branch instead of on every page view (67 s per call at 1M commits,
-- issue 11).  covered = the commit landed through a merged change approved (Code-Review
-- +2 / GitHub APPROVED, not CI) by a person other than both the commit's author and the
-- change's owner.  Commits link to changes by Change-Id within the repo (Gerrit) or by
-- merge / head sha (GitHub).  An approval counts only while it is the reviewer's latest
-- Code-Review word on the change: a +2 later withdrawn (Gerrit "-Code-Review", stored
-- as a 0 vote) or lowered does not cover the commit.  author_orgs = the author's
-- organisation at the commit date as attributed in contribution_facts (kind 'commit',
-- item_key repo@sha), which the organisation filter matches; sql/review_coverage.sql
-- only filters and counts these rows.
CREATE OR REPLACE TABLE review_coverage_commits AS
WITH scoped_commits AS (
    SELECT c.repo, c.sha, c.change_id, c.commit_date, ip.person_id AS author_person,
           coalesce(p.team, 'Unassigned') AS team, coalesce(r.project, c.repo) AS project
    FROM commits c
    LEFT JOIN repos r ON r.name = c.repo
    LEFT JOIN projects p ON p.name = coalesce(r.project, c.repo)
    LEFT JOIN identity_people ip ON ip.identity_id = c.author_identity
    WHERE NOT c.is_merge
),
votes AS (   -- Code-Review votes with the time of the reviewer's last vote other than +2 on the change
    SELECT source, change_key, reviewer_identity, voted_at, value, is_ci,
           max(voted_at) FILTER (WHERE value <> 2)
               OVER (PARTITION BY source, change_key, reviewer_identity) AS last_non_approval
    FROM review_votes WHERE label = 'Code-Review'
),
approvals AS (   -- +2 votes no later vote of the same reviewer lowered or withdrew
    SELECT ch.source, ch.change_key, ch.repo, ch.change_id, ch.merge_sha, ch.head_sha,
           op.person_id AS owner_person, vp.person_id AS approver_person
    FROM changes ch
    JOIN votes v USING (source, change_key)
    JOIN identity_people vp ON vp.identity_id = v.reviewer_identity
    LEFT JOIN identity_people op ON op.identity_id = ch.owner_identity
    WHERE ch.status = 'MERGED' AND v.value = 2
      AND NOT coalesce(v.is_ci, false) AND NOT vp.is_bot
      AND vp.person_id IS DISTINCT FROM op.person_id
      AND (v.last_non_approval IS NULL OR v.voted_at IS NULL OR v.last_non_approval <= v.voted_at)
),
covered AS (   -- three equi-joins (Change-Id, merge sha, head sha) instead of one OR join
    SELECT DISTINCT repo, sha FROM (
        SELECT s.repo, s.sha FROM scoped_commits s
        JOIN approvals a ON a.repo = s.repo AND a.change_id = s.change_id
        WHERE a.approver_person IS DISTINCT FROM s.author_person
        UNION ALL
        SELECT s.repo, s.sha FROM scoped_commits s
        JOIN approvals a ON a.repo = s.repo AND a.merge_sha = s.sha
        WHERE a.approver_person IS DISTINCT FROM s.author_person
        UNION ALL
        SELECT s.repo, s.sha FROM scoped_commits s
        JOIN approvals a ON a.repo = s.repo AND a.head_sha = s.sha
        WHERE a.approver_person IS DISTINCT FROM s.author_person)
),
author_orgs AS (
    SELECT item_key, list(DISTINCT org) AS orgs FROM contribution_facts WHERE kind = 'commit' GROUP BY item_key
)
SELECT s.repo, s.sha, s.team, s.project, s.commit_date,
       CAST(date_trunc('month', s.commit_date) AS DATE) AS month,
       coalesce(o.orgs, []) AS author_orgs,
       cv.sha IS NOT NULL AS covered
FROM scoped_commits s
LEFT JOIN covered cv ON cv.repo = s.repo AND cv.sha = s.sha
LEFT JOIN author_orgs o ON o.item_key = s.repo || '@' || s.sha
ORDER BY s.commit_date;
