-- Rebuilt at the end of every write session (see schema/0007_contribution_facts.sql),
-- with each contribution's UTC month and day (schema/0016_fact_months.sql) so metrics
-- group by a DATE instead of truncating a TIMESTAMPTZ per row per query.
CREATE OR REPLACE TABLE contribution_facts AS
SELECT *, CAST(date_trunc('month', ts) AS DATE) AS month, CAST(ts AS DATE) AS day
FROM contributions ORDER BY ts;
