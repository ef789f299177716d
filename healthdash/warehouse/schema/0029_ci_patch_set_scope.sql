-- CI-tested patch sets carry their change's project, team, repository and owner's organisation
-- (derived/rollup_ci_patch_sets.sql, rebuilt at the end of every write session), so CI health
-- filters them directly instead of semi-joining 900k patch sets to the scoped changes on two
-- text keys per call (~0.3-0.9 s at full scale, issue 11).  has_change: the change is collected
-- (only those count, as the semi-join kept).
ALTER TABLE ci_patch_sets ADD COLUMN project VARCHAR;
ALTER TABLE ci_patch_sets ADD COLUMN team VARCHAR;
ALTER TABLE ci_patch_sets ADD COLUMN repo VARCHAR;
ALTER TABLE ci_patch_sets ADD COLUMN owner_org VARCHAR;
ALTER TABLE ci_patch_sets ADD COLUMN has_change BOOLEAN;
