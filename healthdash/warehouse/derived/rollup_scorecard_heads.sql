-- Rebuilt at the end of every write session, after common_library_use_rollup and
-- duplicate_blocks (name order; see schema/0038_scorecard_heads.sql): the scorecard's head
-- states per team and for the community.
CREATE OR REPLACE TABLE scorecard_heads AS
SELECT * FROM scorecard_heads_in(true)
ORDER BY is_community, team;
