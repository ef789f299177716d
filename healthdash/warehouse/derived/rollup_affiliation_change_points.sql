-- Rebuilt at the end of every write session, after contribution_facts (files run in name
-- order; rollup_* read it; see schema/0017_rollups.sql): every
-- point where a person's consecutive contributions (in time order, ties by item key)
-- are attributed to different organisations, over all of a person's contributions
-- (with_bots: the sequence with bots' contributions, else without them, as the bots
-- filter sees them).  sql/neutrality_affiliation_changes.sql reads these (a few
-- thousand rows instead of a window over every contribution: 6.4 s at 2.4M, issue 11)
-- when no team / project / repo / kind filter changes which contributions are
-- consecutive; a date window keeps the points whose previous contribution is inside it.
CREATE OR REPLACE TABLE affiliation_change_points AS
WITH movers AS (   -- only people credited to more than one organisation can change
    SELECT person_id FROM contribution_facts GROUP BY person_id HAVING min(org) <> max(org)
),
own AS (
    SELECT f.* FROM contribution_facts f SEMI JOIN movers m ON m.person_id = f.person_id
),
sequences AS (
    SELECT true AS with_bots, person_id, org, org_rule, org_origin, ts, item_key FROM own
    UNION ALL
    SELECT false, person_id, org, org_rule, org_origin, ts, item_key FROM own WHERE NOT is_bot
),
steps AS (
    SELECT *,
           lag(org) OVER (PARTITION BY with_bots, person_id ORDER BY ts, item_key) AS previous_org,
           lag(ts) OVER (PARTITION BY with_bots, person_id ORDER BY ts, item_key)  AS previous_ts
    FROM sequences
)
SELECT with_bots, person_id, org, org_rule, org_origin, ts, previous_org, previous_ts
FROM steps
WHERE previous_org IS NOT NULL AND previous_org <> org;
