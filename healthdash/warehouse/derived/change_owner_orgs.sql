-- Rebuilt at the end of every write session (see schema/0008_change_orgs.sql):
-- each change's owner attributed at its creation date by the same view as every
-- contribution (kind change_created; item_key = source || ':' || change_key).
CREATE OR REPLACE TABLE change_owner_orgs AS
SELECT source, substr(item_key, length(source) + 2) AS change_key, person_id, org, is_bot, org_unit
FROM attributed_events
WHERE kind = 'change_created';
