-- Code-Review votes on one's own change (derived/rollup_self_review_votes.sql, rebuilt at
-- the end of every write session; read by sql/review_by_person.sql).
CREATE TABLE self_review_votes (
    source      VARCHAR,
    change_key  VARCHAR,
    team        VARCHAR,
    project     VARCHAR,
    repo        VARCHAR,
    owner_org   VARCHAR,
    person_id   VARCHAR,
    voted_at    TIMESTAMPTZ
);
