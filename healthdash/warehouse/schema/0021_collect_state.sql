-- What the last collection that wrote the warehouse was made from (healthdash.collect_noop):
-- ``settings_fingerprint`` lets a later run with nothing new skip the writer entirely.
CREATE TABLE IF NOT EXISTS collect_state (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
