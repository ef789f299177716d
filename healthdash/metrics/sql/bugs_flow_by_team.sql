-- bugs_flow.sql's inflow and outflow summed over a period, for the scorecard:
-- per period ($p_names / $p_starts / $p_as_of, zipped) and per team, plus the
-- community (is_community, team NULL), in one pass.  Same rows (bug_tasks_in, no
-- duplicates), same window as the page's monthly flow: tasks created (resolved)
-- before $as_of in a month from the period's start month on.
-- tests/test_scorecard_grouped.py checks it against bugs.flow.
-- The query is the macro bugs_flow_by_team_in (schema/0037_scorecard_cycles.sql), materialised for every
-- release cycle in scorecard_cycles_* at every write (derived/rollup_scorecard_cycles.sql).
SELECT * FROM bugs_flow_by_team_in($p_names::VARCHAR[], $p_starts::DATE[], $p_as_of::TIMESTAMPTZ[], $f_rollups::BOOLEAN)
