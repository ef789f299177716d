-- Rebuilt at the end of every write session, after contribution_facts (see
-- schema/0024_monthly_rollups.sql): sql/neutrality_new_contributors.sql's answer for the whole
-- community over every kind, bots left out and counted in, every month (the window only picks
-- the months shown).  Same definitions: new in the month of one's first contribution; retained
-- with a contribution in [first + 6, first + 9) months; retention NULL until that has passed.
CREATE OR REPLACE TABLE new_contributor_months AS
WITH c AS (
    SELECT DISTINCT b.with_bots, c.person_id, c.month
    FROM contribution_facts c
    JOIN (VALUES (false), (true)) b(with_bots) ON b.with_bots OR NOT c.is_bot
),
firsts AS (SELECT with_bots, person_id, min(month) AS first_month FROM c GROUP BY with_bots, person_id),
last_month AS (SELECT with_bots, max(month) AS m FROM c GROUP BY with_bots),
retained AS (
    SELECT f.with_bots, f.first_month,
           EXISTS (SELECT 1 FROM c WHERE c.with_bots = f.with_bots AND c.person_id = f.person_id
                     AND c.month >= f.first_month + INTERVAL 6 MONTH
                     AND c.month <  f.first_month + INTERVAL 9 MONTH) AS kept
    FROM firsts f
)
SELECT r.with_bots, r.first_month AS month,
       CAST(count(*) AS BIGINT) AS new_contributors,
       CAST(count(*) FILTER (WHERE kept) AS BIGINT) AS retained,
       CASE WHEN r.first_month + INTERVAL 8 MONTH <= any_value(l.m)
            THEN count(*) FILTER (WHERE kept) / count(*) END AS retention
FROM retained r JOIN last_month l ON l.with_bots = r.with_bots
GROUP BY r.with_bots, r.first_month
ORDER BY r.with_bots, month;
