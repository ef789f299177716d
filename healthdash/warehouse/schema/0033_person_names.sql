-- Each identity's person and name (derived/rollup_person_names.sql, rebuilt at the end of every
-- write session, after the identity layer): the reviewers' table falls back on them for people
-- without a display name, and identity_people computes every identity's bot flag (a GLOB per
-- bot pattern) even when only names are read (~120 ms at 60,000 identities, issue 11).
CREATE TABLE person_names (
    person_id  VARCHAR,
    name       VARCHAR
);
