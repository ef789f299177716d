-- Rebuilt at the end of every write session, after contribution_facts and governance_team_days
-- (name order; see schema/0035_governance_cycle_verdicts.sql): the verdicts at every release
-- cycle's end, every team, without and with bots, so the scorecard and a cycle's Governance
-- view read them instead of joining the cycle's window to the contributions per call.
CREATE OR REPLACE TABLE governance_cycle_verdicts AS
SELECT false AS with_bots, * FROM governance_verdicts_in(NULL, NULL, NULL, NULL, NULL, false, 'cycles', true)
UNION ALL
SELECT true AS with_bots, * FROM governance_verdicts_in(NULL, NULL, NULL, NULL, NULL, true, 'cycles', true)
ORDER BY with_bots, team, as_of, ord;
