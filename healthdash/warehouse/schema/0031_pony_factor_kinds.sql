-- The whole community's pony factor per kind and over all kinds, bots left out and counted in
-- (derived/rollup_pony_factor_kinds.sql, rebuilt at the end of every write session), for the
-- view with no filter but the bot switch: sql/neutrality_pony_factor.sql ranks ~137k
-- person x kind totals in a running window per call otherwise (~0.3-0.45 s at full scale).
CREATE TABLE pony_factor_kinds (
    with_bots         BOOLEAN,
    kind              VARCHAR,
    contributions     BIGINT,
    people            BIGINT,
    pony_factor       BIGINT,
    top_person_share  DOUBLE
);
