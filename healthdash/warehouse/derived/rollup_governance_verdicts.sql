-- Rebuilt at the end of every write session, after contribution_facts and governance_team_days
-- (name order; see schema/0034_governance_verdicts.sql): the verdicts of the default view,
-- without and with bots, so the Governance view and its history read ~9,000 rows instead of
-- joining every month end's window to the contributions per call.
CREATE OR REPLACE TABLE governance_verdicts AS
SELECT false AS with_bots, * FROM governance_verdicts_in(NULL, NULL, NULL, NULL, NULL, false, 'history', true)
UNION ALL
SELECT true AS with_bots, * FROM governance_verdicts_in(NULL, NULL, NULL, NULL, NULL, true, 'history', true)
ORDER BY with_bots, team, as_of, ord;
