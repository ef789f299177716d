-- Rebuilt at the end of every write session (see schema/0007_contribution_facts.sql).
CREATE OR REPLACE TABLE contribution_facts AS
SELECT * FROM contributions ORDER BY ts;
