-- Attribution is defined once, by the ``contributions`` view; reading it
-- directly costs ~0.5 s per million contributions (identity, affiliation and
-- domain joins), too slow for page callbacks.  ``contribution_facts`` holds the
-- view's rows and is rebuilt at the end of every write to the warehouse
-- (derived/contribution_facts.sql: ~1.5 s per million), so collections and
-- corrections take effect at once and filters read a plain table (~50 ms per
-- million, benchmarks/bench_warehouse.py).
CREATE TABLE contribution_facts AS SELECT * FROM contributions LIMIT 0;

CREATE OR REPLACE MACRO contributions_in(f_teams, f_projects, f_repos, f_start, f_end, f_orgs, f_kinds, f_bots) AS TABLE
SELECT * FROM contribution_facts
WHERE (f_teams IS NULL OR list_contains(f_teams, team))
  AND (f_projects IS NULL OR list_contains(f_projects, project))
  AND (f_repos IS NULL OR list_contains(f_repos, repo))
  AND (f_start IS NULL OR ts >= CAST(f_start AS TIMESTAMPTZ))
  AND (f_end IS NULL OR ts < CAST(f_end AS TIMESTAMPTZ) + INTERVAL 1 DAY)
  AND (f_orgs IS NULL OR list_contains(f_orgs, org))
  AND (f_kinds IS NULL OR list_contains(f_kinds, kind))
  AND (coalesce(f_bots, false) OR NOT is_bot);
