-- sql/governance_verdicts.sql's rows for mode 'current' at a release cycle's end, read from
-- governance_cycle_verdicts (schema/0035_governance_cycle_verdicts.sql: every team, every
-- cycle's end, without and with bots, rebuilt at every write).  healthdash.metrics.neutrality
-- reads it when the filter's end is a cycle's end and no project or repository filter applies;
-- a team filter keeps its teams' rows (each team's verdict rests on its own contributions).
-- A query of its own: planning governance_verdicts_in's macros costs ~15 ms even when its
-- branch is filtered out.
SELECT * EXCLUDE (with_bots, ord) FROM governance_cycle_verdicts
WHERE as_of = $f_end::DATE AND with_bots = coalesce($f_bots::BOOLEAN, false)
  AND ($f_teams::VARCHAR[] IS NULL OR list_contains($f_teams::VARCHAR[], team))
ORDER BY team, as_of, ord;
