-- Rebuilt at the end of every write session, after contribution_facts (see
-- schema/0024_monthly_rollups.sql): sql/review_activity.sql's answer for the whole community,
-- bots left out and counted in, so the unfiltered view reads ~240 rows instead of counting
-- distinct reviewers over 900k reviews per call.  Same definitions: reviews of others'
-- changes, core approvals, distinct reviewers, reviewers with a core approval, reviews per core.
CREATE OR REPLACE TABLE review_activity_months AS
WITH per_person AS (
    SELECT b.with_bots, c.month, c.person_id, count(*) AS n, count(*) FILTER (WHERE c.kind = 'core_review') AS core
    FROM contribution_facts c
    JOIN (VALUES (false), (true)) b(with_bots) ON b.with_bots OR NOT c.is_bot
    WHERE c.kind IN ('review', 'core_review')
    GROUP BY b.with_bots, c.month, c.person_id
)
SELECT with_bots, month,
       CAST(sum(n) AS BIGINT) AS reviews, CAST(sum(core) AS BIGINT) AS core_approvals,
       count(*) AS reviewers, count(*) FILTER (WHERE core > 0) AS active_cores,
       sum(n) / nullif(count(*) FILTER (WHERE core > 0), 0) AS reviews_per_core
FROM per_person
GROUP BY with_bots, month
ORDER BY with_bots, month;
