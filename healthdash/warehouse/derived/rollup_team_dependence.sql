-- Rebuilt at the end of every write session, after contribution_facts (see
-- schema/0030_team_governance_tables.sql): each team's ten organisations with most
-- contributions per release cycle for the default view, without and with bots.
CREATE OR REPLACE TABLE team_dependence AS
SELECT false AS with_bots, * FROM team_dependence_in(NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, 10)
UNION ALL
SELECT true AS with_bots, * FROM team_dependence_in(NULL, NULL, NULL, NULL, NULL, NULL, NULL, true, 10);
