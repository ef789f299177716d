-- Rebuilt at the end of every write session, after contribution_facts (files run in name order;
-- see schema/0024_monthly_rollups.sql): contributions per month, kind, organisation and bot flag
-- (~220k rows instead of 2.4M at full scale), read through contribution_months_in by the monthly
-- organisation charts when no team / project / repo filter or mid-month window needs finer grain.
CREATE OR REPLACE TABLE contribution_months AS
SELECT month, kind, org, is_independent, is_bot, count(*) AS n
FROM contribution_facts
GROUP BY month, kind, org, is_independent, is_bot
ORDER BY kind, month;
