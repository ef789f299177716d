-- Change owners' organisations, so the organisation filter can narrow the
-- change-based review metrics (latency, patch sets, open age, CI health):
-- "changes owned by Vendor A people" = the owner's organisation at the change's
-- creation date.
--
-- Why this shape: the precedence rules (person periods > public mail provider >
-- domain map > default) live in ONE place, the attribution view of 0003, which
-- attributes every row of ``contribution_events``.  Rather than copy them for
-- (owner, created) pairs, change creations become one more event kind,
-- ``change_created``, fed through that same view:
--   * the 0003 view is renamed ``attributed_events``: every (identity, date)
--     pair the identity layer attributes, contributions and change creations;
--   * ``contributions`` is redefined as those rows minus ``change_created``, so
--     the view, ``contribution_facts`` and every participation count are exactly
--     what they were (opening a change is not a contribution: merging one is,
--     and ``merged_change`` still counts it);
--   * ``change_owner_orgs`` (derived/change_owner_orgs.sql) keeps the
--     ``change_created`` rows, rebuilt at the end of every write like
--     contribution_facts, so a collection or an affiliation correction moves a
--     change to its owner's right organisation at once.
-- The ``kind`` filter is pushed through the view's CTEs, so each derived table
-- attributes only its own rows: contribution_facts costs what it did, and
-- change_owner_orgs adds ~0.27 s per 250,000 changes to a write (~30 ms
-- with none; benchmarks/bench_warehouse.py).  A change without a known owner
-- or creation date has no row and is left out when an organisation filter is set.

CREATE VIEW change_events AS
SELECT 'change_created' AS kind, source, source || ':' || change_key AS item_key, repo,
       CAST(NULL AS VARCHAR) AS project, owner_identity AS identity_id, created AS ts
FROM changes
WHERE owner_identity IS NOT NULL AND created IS NOT NULL;

CREATE OR REPLACE VIEW contribution_events AS
SELECT * FROM commit_events
UNION ALL SELECT * FROM review_events
UNION ALL SELECT * FROM bug_events
UNION ALL SELECT * FROM change_events;

ALTER VIEW contributions RENAME TO attributed_events;

CREATE VIEW contributions AS
SELECT * FROM attributed_events WHERE kind <> 'change_created';

-- One row per change with a known owner: the owner's person and organisation
-- at the change's creation date (``Independent`` for each independent person,
-- as in contribution_facts).
CREATE TABLE change_owner_orgs (
    source     VARCHAR NOT NULL,
    change_key VARCHAR NOT NULL,
    person_id  VARCHAR,
    org        VARCHAR,
    is_bot     BOOLEAN
);

-- Changes in scope of the global team / project / repo and organisation
-- filters (NULL = no filter), with their project, team and owner_org.
CREATE OR REPLACE MACRO review_changes_in(f_teams, f_projects, f_repos, f_orgs) AS TABLE
SELECT c.*, coalesce(r.project, c.repo) AS project, coalesce(p.team, 'Unassigned') AS team,
       o.org AS owner_org
FROM changes c
LEFT JOIN repos r ON r.name = c.repo
LEFT JOIN projects p ON p.name = coalesce(r.project, c.repo)
LEFT JOIN change_owner_orgs o ON o.source = c.source AND o.change_key = c.change_key
WHERE (f_teams IS NULL OR list_contains(f_teams, coalesce(p.team, 'Unassigned')))
  AND (f_projects IS NULL OR list_contains(f_projects, coalesce(r.project, c.repo)))
  AND (f_repos IS NULL OR list_contains(f_repos, c.repo))
  AND (f_orgs IS NULL OR list_contains(f_orgs, o.org));
