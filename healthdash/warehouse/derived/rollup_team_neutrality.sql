-- Rebuilt at the end of every write session, after contribution_facts (see
-- schema/0030_team_governance_tables.sql): Neutrality by team for the default view, without
-- and with bots (60 rows each at full scale instead of grouping 2.4M contributions per call).
CREATE OR REPLACE TABLE team_neutrality AS
SELECT false AS with_bots, * FROM team_neutrality_in(NULL, NULL, NULL, NULL, NULL, NULL, NULL, false)
UNION ALL
SELECT true AS with_bots, * FROM team_neutrality_in(NULL, NULL, NULL, NULL, NULL, NULL, NULL, true);
