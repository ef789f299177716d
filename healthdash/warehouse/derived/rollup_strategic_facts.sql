-- Rebuilt at the end of every write session, after contribution_facts, change_owner_orgs and
-- commit_lines (files run in name order; see schema/0025_strategic_facts.sql): every
-- contribution, bots included, with its strategic categories, in time order so a date
-- filter reads only its slice.
CREATE OR REPLACE TABLE strategic_facts AS
SELECT ts, day, team, project, repo, kind, is_bot, org, person_id, is_common, is_cross_review, is_bug_fix,
       is_security, touches_matrix, changed_lines, test_lines
FROM strategic_flags_in(NULL, NULL, NULL, NULL, NULL, NULL, NULL, true)
ORDER BY ts;
