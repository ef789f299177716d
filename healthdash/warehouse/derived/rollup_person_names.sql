-- Rebuilt at the end of every write session (see schema/0033_person_names.sql): identity_people's
-- person and name of every identity, one row per identity as in the view.
CREATE OR REPLACE TABLE person_names AS
SELECT person_id, name FROM identity_people ORDER BY person_id;
