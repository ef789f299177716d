-- Rebuilt at the end of every write session, after contribution_facts (see
-- schema/0026_governance_inputs.sql): the verdicts' inputs for the default view, so the
-- Governance view and its history read ~9,000 rows instead of joining every month end's
-- window to the contributions per call.
CREATE OR REPLACE TABLE governance_tops AS
SELECT false AS with_bots, * FROM governance_inputs(NULL, NULL, NULL, NULL, NULL, false, 'history', true)
UNION ALL
SELECT true AS with_bots, * FROM governance_inputs(NULL, NULL, NULL, NULL, NULL, true, 'history', true)
ORDER BY with_bots, team, as_of, ord;
