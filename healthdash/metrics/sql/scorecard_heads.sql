-- The scorecard's head states per team and for the community, computed from the repositories'
-- head content (the macro scorecard_heads_in, schema/0038_scorecard_heads.sql, documents
-- them); healthdash.metrics.scorecard reads the table scorecard_heads (the same rows, stored at
-- every write) instead unless rollups are off.
SELECT * FROM scorecard_heads_in($f_rollups::BOOLEAN)
