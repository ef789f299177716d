-- sql/governance_verdicts.sql's rows for mode 'current' where they are stored:
-- $at_cycle_end: at a release cycle's end, from governance_cycle_verdicts
--   (schema/0035_governance_cycle_verdicts.sql: every team, every cycle's end), a team filter
--   keeping its teams' rows (each team's verdict rests on its own contributions);
-- else the default view (no team, project, repository or date filter) at its last as-of day,
--   from governance_verdicts (schema/0034_governance_verdicts.sql).
-- Both are rebuilt at every write, without and with bots.  healthdash.metrics.neutrality picks
-- this query when the filters allow: planning governance_verdicts_in's macros costs ~15 ms even
-- when the query's branch that computes them is filtered out.
WITH v AS (
    SELECT * FROM governance_cycle_verdicts
    WHERE $at_cycle_end::BOOLEAN AND as_of = $f_end::DATE
      AND ($f_teams::VARCHAR[] IS NULL OR list_contains($f_teams::VARCHAR[], team))
    UNION ALL
    SELECT * FROM governance_verdicts
    WHERE NOT $at_cycle_end::BOOLEAN
      AND as_of = (SELECT max(as_of) FROM governance_verdicts WHERE with_bots = coalesce($f_bots::BOOLEAN, false))
)
SELECT * EXCLUDE (with_bots, ord) FROM v
WHERE with_bots = coalesce($f_bots::BOOLEAN, false)
ORDER BY team, as_of, ord;
