-- Rebuilt at the end of every write session, after contribution_facts (files run in name
-- order; see schema/0018_rollups_reviews_totals.sql): contributions over the whole history per person,
-- organisation (org_unit: independents one per person), kind and bot flag, with the
-- latest contribution's time.  128k rows instead of 2.4M at full scale (issue 11): the
-- default view of the share, concentration and review-by-organisation metrics reads
-- it through contribution_counts_in when no team / project / repo / date filter needs
-- finer grain.
CREATE OR REPLACE TABLE contribution_totals AS
SELECT person_id, org, org_unit, is_independent, kind, is_bot,
       count(*) AS n, max(ts) AS last_ts
FROM contribution_facts
GROUP BY person_id, org, org_unit, is_independent, kind, is_bot
ORDER BY kind, org;
