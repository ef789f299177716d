-- Rebuilt at the end of every write session, after commit_lines_attributed (files run in name
-- order; see schema/0023_commit_line_rollups.sql): commits, changed and test lines per
-- repository and bot flag over the whole history (~4,000 rows instead of 1M at full scale) for
-- the views without a date window or an organisation filter.
CREATE OR REPLACE TABLE commit_lines_by_repo AS
SELECT repo, project, team, is_bot, count(*) AS commits,
       CAST(sum(changed_lines) AS BIGINT) AS changed_lines, CAST(sum(test_lines) AS BIGINT) AS test_lines
FROM commit_lines_attributed
GROUP BY repo, project, team, is_bot
ORDER BY repo;
