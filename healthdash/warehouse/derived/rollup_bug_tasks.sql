-- Rebuilt at the end of every write session (see schema/0027_bug_tasks.sql): every bug task's
-- place, dates and flags from bug_facts (private ones included, flagged: bug_tasks_in applies
-- the privacy policy at query time), with the UTC months of creation and resolution, in
-- creation order.
CREATE OR REPLACE TABLE bug_tasks AS
SELECT project, repo, team, importance, created, triaged_at, fixed_at, resolved_at, is_open, is_fixed,
       is_security, is_private, is_duplicate, CAST(date_trunc('month', created) AS DATE) AS created_month,
       CAST(date_trunc('month', resolved_at) AS DATE) AS resolved_month
FROM bug_facts
ORDER BY created;
