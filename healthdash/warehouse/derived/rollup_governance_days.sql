-- Rebuilt at the end of every write session, after contribution_facts and before
-- rollup_governance_tops.sql (name order; see schema/0032_governance_team_days.sql): the
-- first and last day of each team's commits and reviews, per bot flag.
CREATE OR REPLACE TABLE governance_team_days AS
SELECT team, is_bot, min(day) AS first_day, max(day) AS last_day
FROM contribution_facts
WHERE kind IN ('commit', 'review', 'core_review')
GROUP BY team, is_bot;
