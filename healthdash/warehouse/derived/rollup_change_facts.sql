-- Rebuilt at the end of every write session, after change_owner_orgs (files run in name
-- order; see schema/0018_rollups_reviews_totals.sql): each change with what the review metrics filter
-- and measure on, so review_changes_in reads one table instead of joining repos,
-- projects and owners on every call (300k changes: ~170 ms a call, issue 11):
-- project and team (a repository without one is its own project, 'Unassigned' team),
-- the owner's organisation at creation (change_owner_orgs) and the first response
-- (review_responses: a human, non-CI person other than the owner) at or after creation,
-- the UTC months of creation and merge (no per-query TIMESTAMPTZ truncation) and the
-- human ``recheck`` comments on it.
CREATE OR REPLACE TABLE change_facts AS
WITH firsts AS (
    SELECT r.source, r.change_key, min(r.posted_at) AS first_response_at
    FROM review_responses r
    JOIN changes c ON c.source = r.source AND c.change_key = r.change_key
    WHERE r.posted_at >= c.created
    GROUP BY r.source, r.change_key
),
rechecks AS (
    SELECT source, change_key, count(*) AS rechecks FROM review_messages WHERE is_recheck GROUP BY ALL
)
SELECT c.source, c.change_key, c.repo, c.number, c.change_id, c.owner_identity, c.status, c.created, c.updated,
       c.submitted, c.patch_sets, c.merge_sha, c.head_sha, c.is_draft,
       coalesce(r.project, c.repo) AS project, coalesce(p.team, 'Unassigned') AS team,
       o.org AS owner_org, f.first_response_at,
       CAST(date_trunc('month', c.created) AS DATE) AS created_month,
       CAST(date_trunc('month', c.submitted) AS DATE) AS submitted_month,
       coalesce(k.rechecks, 0) AS rechecks
FROM changes c
LEFT JOIN repos r ON r.name = c.repo
LEFT JOIN projects p ON p.name = coalesce(r.project, c.repo)
LEFT JOIN change_owner_orgs o ON o.source = c.source AND o.change_key = c.change_key
LEFT JOIN firsts f ON f.source = c.source AND f.change_key = c.change_key
LEFT JOIN rechecks k ON k.source = c.source AND k.change_key = c.change_key
ORDER BY c.created;
