-- Rebuilt at the end of every write session, after contribution_facts and commit_lines
-- (files run in name order; see schema/0023_commit_line_rollups.sql): each non-merge commit's
-- changed and test lines (commit_lines) with its repository, project, team, UTC day, author's
-- organisation and bot flag, in day order so a date window reads only its part.  The test-line
-- share joined 1M commit_lines rows to the filtered contributions on every call (~2 s at full
-- scale, issue 11).  Commits without file rows are left out, as in commit_lines.
CREATE OR REPLACE TABLE commit_lines_attributed AS
SELECT c.day, c.repo, c.project, c.team, c.org, c.is_bot, l.changed_lines, l.test_lines
FROM contribution_facts c
JOIN commit_lines l ON l.item_key = c.item_key
WHERE c.kind = 'commit'
ORDER BY c.day;
