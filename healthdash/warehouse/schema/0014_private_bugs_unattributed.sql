-- Re-identification guard (issue 12): private and embargoed bugs are never
-- attributed to a person or an organisation.  With
-- [security] count_private_in_aggregates = true they still count in bug totals
-- (backlog, flow, security counts, time to fix), but a contribution names who
-- filed or fixed it, and a drill-down narrowed to one day and one project
-- would name the reporter of the only (embargoed) bug of that day.  So
-- bug_events - the only path from bugs into contributions, and from there into
-- every per-person and per-organisation view - takes public bugs only.
CREATE OR REPLACE VIEW bug_events AS
SELECT 'bug_filed' AS kind, source, bug_ref AS item_key, repo, project,
       reporter_identity AS identity_id, created AS ts
FROM bug_lifecycle
WHERE reporter_identity IS NOT NULL AND created IS NOT NULL AND NOT is_duplicate AND NOT is_private
QUALIFY row_number() OVER (PARTITION BY bug_ref ORDER BY created, project) = 1
UNION ALL
SELECT 'bug_fixed', source, bug_ref, repo, project, assignee_identity, fixed_at
FROM bug_lifecycle
WHERE assignee_identity IS NOT NULL AND fixed_at IS NOT NULL AND NOT is_duplicate AND NOT is_private
QUALIFY row_number() OVER (PARTITION BY bug_ref ORDER BY fixed_at, project) = 1;
