-- Attribution: identity -> person -> organisation at the contribution's date,
-- and the one ``contributions`` view every participation number comes from.
-- Computed at query time from the identity and affiliation tables, so a
-- correction there takes effect without re-collecting.

CREATE TABLE bot_patterns (
    pattern VARCHAR PRIMARY KEY      -- glob matched against lower(name) and lower(email/username)
);

-- Each identity's person: an explicit merge (identity_person) wins, else one
-- person per case-folded email, else the raw identity.
CREATE VIEW identity_people AS
SELECT
    i.identity_id,
    coalesce(ip.person_id,
             CASE WHEN i.email IS NOT NULL AND i.email <> ''
                  THEN 'email:' || lower(trim(i.email))
                  ELSE 'id:' || i.identity_id END)                      AS person_id,
    lower(trim(i.email))                                                 AS email,
    CASE WHEN strpos(coalesce(i.email, ''), '@') > 0
         THEN lower(trim(split_part(i.email, '@', -1))) END              AS email_domain,
    i.name,
    coalesce(pe.is_bot, false)
      OR EXISTS (SELECT 1 FROM bot_patterns b
                 WHERE lower(coalesce(i.name, '')) GLOB b.pattern
                    OR lower(coalesce(i.email, '')) GLOB b.pattern
                    OR lower(coalesce(i.username, '')) GLOB b.pattern)  AS is_bot
FROM identities i
LEFT JOIN identity_person ip USING (identity_id)
LEFT JOIN people pe ON pe.person_id = ip.person_id;

-- Domain-map periods that apply to each email domain: longest suffix wins.
CREATE VIEW domain_orgs AS
SELECT domain AS email_domain, org, valid_from, valid_to, origin FROM (
    SELECT e.email_domain AS domain, d.org, d.valid_from, d.valid_to, d.origin,
           rank() OVER (PARTITION BY e.email_domain ORDER BY length(d.domain) DESC) AS rnk
    FROM (SELECT DISTINCT email_domain FROM identity_people WHERE email_domain IS NOT NULL) e
    JOIN org_domains d
      ON e.email_domain = d.domain OR e.email_domain LIKE '%.' || d.domain
) WHERE rnk = 1;

-- Raw contribution events before attribution, one view per source family so
-- later migrations can refine one (CREATE OR REPLACE VIEW) without touching the
-- others.  Columns: kind, source, item_key, repo, project (when the source knows
-- it but not the repo), identity_id, ts.
CREATE VIEW commit_events AS
SELECT 'commit' AS kind, 'git' AS source, repo || '@' || sha AS item_key, repo,
       CAST(NULL AS VARCHAR) AS project, author_identity AS identity_id, author_date AS ts
FROM commits
WHERE NOT is_merge;

-- Reviews: Code-Review votes on someone else's change; core reviews: +2.
CREATE VIEW review_events AS
SELECT CASE WHEN v.value = 2 THEN 'core_review' ELSE 'review' END AS kind, v.source,
       v.source || ':' || v.change_key || ':' || v.reviewer_identity || ':' || v.patch_set || ':'
         || CAST(v.voted_at AS VARCHAR) AS item_key,
       c.repo, CAST(NULL AS VARCHAR) AS project, v.reviewer_identity AS identity_id, v.voted_at AS ts
FROM review_votes v
JOIN changes c USING (source, change_key)
WHERE v.label = 'Code-Review' AND v.value <> 0 AND v.reviewer_identity <> c.owner_identity
UNION ALL
SELECT 'merged_change', source, source || ':' || change_key, repo, NULL, owner_identity, submitted
FROM changes
WHERE status = 'MERGED' AND submitted IS NOT NULL AND owner_identity IS NOT NULL;

CREATE VIEW bug_events AS
SELECT 'bug_filed' AS kind, source, source || ':' || bug_key AS item_key, CAST(NULL AS VARCHAR) AS repo,
       project, reporter_identity AS identity_id, created AS ts
FROM bugs
WHERE reporter_identity IS NOT NULL AND created IS NOT NULL
UNION ALL
SELECT 'bug_fixed', source, source || ':' || bug_key, NULL, project, assignee_identity,
       coalesce(fix_committed, fix_released, closed)
FROM bugs
WHERE assignee_identity IS NOT NULL AND status IN ('Fix Committed', 'Fix Released')
  AND coalesce(fix_committed, fix_released, closed) IS NOT NULL;

CREATE VIEW contribution_events AS
SELECT * FROM commit_events
UNION ALL SELECT * FROM review_events
UNION ALL SELECT * FROM bug_events;

CREATE VIEW contributions AS
WITH ev AS (
    SELECT e.*, ip.person_id, ip.is_bot, ip.email_domain, CAST(e.ts AS DATE) AS on_day
    FROM contribution_events e
    JOIN identity_people ip USING (identity_id)
),
by_period AS (
    SELECT ev.item_key, ev.kind, any_value(a.org) AS org
    FROM ev JOIN affiliations a
      ON a.person_id = ev.person_id AND ev.on_day >= a.valid_from
     AND (a.valid_to IS NULL OR ev.on_day < a.valid_to)
    GROUP BY ev.item_key, ev.kind
),
by_domain AS (
    SELECT ev.item_key, ev.kind, any_value(d.org) AS org
    FROM ev JOIN domain_orgs d
      ON d.email_domain = ev.email_domain AND ev.on_day >= d.valid_from
     AND (d.valid_to IS NULL OR ev.on_day < d.valid_to)
    GROUP BY ev.item_key, ev.kind
)
SELECT
    ev.kind, ev.source, ev.item_key, ev.repo,
    coalesce(r.project, ev.project, ev.repo)                      AS project,
    coalesce(p.team, 'Unassigned')                                AS team,
    ev.identity_id, ev.person_id, ev.is_bot,
    coalesce(bp.org, bd.org, 'Independent')                       AS org,
    coalesce(bp.org, bd.org, 'Independent') = 'Independent'       AS is_independent,
    CASE WHEN bp.org IS NOT NULL THEN 'affiliation period'
         WHEN bd.org IS NOT NULL THEN 'email domain'
         ELSE 'no match: independent' END                         AS org_rule,
    ev.ts
FROM ev
LEFT JOIN by_period bp ON bp.item_key = ev.item_key AND bp.kind = ev.kind
LEFT JOIN by_domain bd ON bd.item_key = ev.item_key AND bd.kind = ev.kind
LEFT JOIN repos r ON r.name = ev.repo
LEFT JOIN projects p ON p.name = coalesce(r.project, ev.project);

-- The one filter every participation metric applies.  NULL means "no filter";
-- lists match any element; dates are inclusive days.
CREATE MACRO contributions_in(f_teams, f_projects, f_repos, f_start, f_end, f_orgs, f_kinds, f_bots) AS TABLE
SELECT * FROM contributions
WHERE (f_teams IS NULL OR list_contains(f_teams, team))
  AND (f_projects IS NULL OR list_contains(f_projects, project))
  AND (f_repos IS NULL OR list_contains(f_repos, repo))
  AND (f_start IS NULL OR ts >= CAST(f_start AS TIMESTAMPTZ))
  AND (f_end IS NULL OR ts < CAST(f_end AS TIMESTAMPTZ) + INTERVAL 1 DAY)
  AND (f_orgs IS NULL OR list_contains(f_orgs, org))
  AND (f_kinds IS NULL OR list_contains(f_kinds, kind))
  AND (coalesce(f_bots, false) OR NOT is_bot);
