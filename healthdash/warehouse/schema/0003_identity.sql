-- Identity and affiliation: the inputs the identity layer merges (imported
-- affiliation files, aliases, overrides, .mailmap entries) and a contributions
-- view that applies the documented precedence:
--   explicit person periods (overrides, rank 0 > imported person files, rank >= 1)
--   > public mail provider (Independent) > email-domain map (longest suffix,
--   optional date bounds) > default (`unknown_org`, Independent unless the
--   config keeps `Unknown` apart).
-- `healthdash.warehouse.identity_load.rebuild_people` fills identity_person,
-- people and affiliations from these tables in one transaction; attribution is
-- then computed at query time, so a correction never needs a re-collection.

-- Person periods, now keyed by origin too, so two files saying the same
-- organisation from the same day with different ends both stay (and conflict).
DROP TABLE affiliations;
CREATE TABLE affiliations (
    person_id  VARCHAR NOT NULL,
    org        VARCHAR NOT NULL,
    valid_from DATE NOT NULL DEFAULT DATE '1970-01-01',
    valid_to   DATE,                  -- exclusive; NULL = open
    origin     VARCHAR NOT NULL DEFAULT '',   -- file the period came from
    rank       INTEGER DEFAULT 50,    -- lower wins: overrides 0, files in configured order
    detail     VARCHAR,               -- file line that set it
    PRIMARY KEY (person_id, org, valid_from, origin)
);

-- For identities without an email (GitHub logins, Launchpad ids): the person's
-- most used non-public email domain, so the domain map still applies.
ALTER TABLE people ADD COLUMN fallback_domain VARCHAR;

-- Person-level periods exactly as the files state them, keyed by what the file
-- names (an email, or a launchpad/github/gerrit username).  valid_to exclusive.
CREATE TABLE affiliation_records (
    origin     VARCHAR NOT NULL,      -- file name (or "overrides")
    key_kind   VARCHAR NOT NULL,      -- email | launchpad | github | gerrit
    key        VARCHAR NOT NULL,
    org        VARCHAR NOT NULL,      -- as written in the file (aliases resolved at rebuild)
    valid_from DATE NOT NULL DEFAULT DATE '1970-01-01',
    valid_to   DATE,
    rank       INTEGER NOT NULL,
    detail     VARCHAR,
    PRIMARY KEY (origin, key_kind, key, org, valid_from)
);

-- Merge evidence between identity keys (e:<email>, u:<source>:<username>,
-- i:<identity_id>): aliases files, Stackalytics users, overrides, .mailmap.
CREATE TABLE identity_links (
    origin VARCHAR NOT NULL,
    a      VARCHAR NOT NULL,
    b      VARCHAR NOT NULL,
    name   VARCHAR,                  -- .mailmap: only identities with this commit name
    detail VARCHAR,
    PRIMARY KEY (origin, a, b)
);

-- Keys (emails or identity ids) that must stand apart from everything but
-- explicit override merges: the "two people merged into one" correction.
CREATE TABLE identity_splits (
    key    VARCHAR PRIMARY KEY,
    origin VARCHAR,
    detail VARCHAR
);

-- Explicit bot / not-bot marks from overrides (beat configured patterns).
CREATE TABLE identity_bot_marks (
    key    VARCHAR PRIMARY KEY,
    is_bot BOOLEAN NOT NULL,
    origin VARCHAR
);

CREATE TABLE org_aliases (
    alias  VARCHAR PRIMARY KEY,      -- lower-case alias
    org    VARCHAR NOT NULL,
    origin VARCHAR
);

CREATE TABLE public_mail_domains (
    domain VARCHAR PRIMARY KEY
);

CREATE TABLE attribution_settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);
INSERT INTO attribution_settings VALUES ('unknown_org', 'Independent');

-- Which imported files were loaded, when, and how many rows each gave.
CREATE TABLE affiliation_files (
    origin      VARCHAR PRIMARY KEY,
    path        VARCHAR,
    format      VARCHAR,
    rank        INTEGER,
    imported_at TIMESTAMPTZ,
    periods     INTEGER,
    domains     INTEGER,
    links       INTEGER
);

CREATE OR REPLACE VIEW identity_people AS
SELECT
    i.identity_id,
    coalesce(ip.person_id,
             CASE WHEN i.email IS NOT NULL AND i.email <> ''
                  THEN 'email:' || lower(trim(i.email))
                  ELSE 'id:' || i.identity_id END)                      AS person_id,
    lower(trim(i.email))                                                 AS email,
    CASE WHEN strpos(coalesce(i.email, ''), '@') > 0
         THEN lower(trim(split_part(i.email, '@', -1)))
         ELSE pe.fallback_domain END                                     AS email_domain,
    i.name,
    coalesce(pe.is_bot,
             EXISTS (SELECT 1 FROM bot_patterns b
                     WHERE lower(coalesce(i.name, '')) GLOB b.pattern
                        OR lower(coalesce(i.email, '')) GLOB b.pattern
                        OR lower(coalesce(i.username, '')) GLOB b.pattern)) AS is_bot,
    coalesce(ip.rule, 'not merged yet: one person per email')            AS merge_rule
FROM identities i
LEFT JOIN identity_person ip USING (identity_id)
LEFT JOIN people pe ON pe.person_id = ip.person_id;

-- Every suffix of every email domain seen (a.b.corp.com -> a.b.corp.com,
-- b.corp.com, corp.com, com), so the domain map is an equi-join.
CREATE VIEW email_domain_suffixes AS
SELECT email_domain, suffix, length(suffix) AS suffix_length FROM (
    SELECT email_domain,
           unnest(list_transform(range(len(string_split(email_domain, '.'))),
                  lambda k: array_to_string(list_slice(string_split(email_domain, '.'), k + 1,
                                                  len(string_split(email_domain, '.'))), '.'))) AS suffix
    FROM (SELECT DISTINCT email_domain FROM identity_people WHERE email_domain IS NOT NULL)
);

CREATE OR REPLACE VIEW domain_orgs AS
SELECT s.email_domain, d.org, d.valid_from, d.valid_to, d.origin, d.domain AS matched_domain,
       s.suffix_length
FROM email_domain_suffixes s
JOIN org_domains d ON d.domain = s.suffix;

CREATE VIEW public_mail_matches AS
SELECT DISTINCT s.email_domain
FROM email_domain_suffixes s
JOIN public_mail_domains p ON p.domain = s.suffix;

CREATE OR REPLACE VIEW contributions AS
WITH ev AS (
    SELECT e.*, ip.person_id, ip.is_bot, ip.email_domain, CAST(e.ts AS DATE) AS on_day
    FROM contribution_events e
    JOIN identity_people ip USING (identity_id)
),
by_period AS (
    SELECT ev.item_key, ev.kind,
           first(a.org ORDER BY a.rank, a.valid_from DESC, a.org)                          AS org,
           first(a.rank ORDER BY a.rank, a.valid_from DESC, a.org)                         AS rank,
           first(coalesce(a.detail, a.origin, 'affiliations table')
                 ORDER BY a.rank, a.valid_from DESC, a.org)                                AS detail
    FROM ev JOIN affiliations a
      ON a.person_id = ev.person_id AND ev.on_day >= a.valid_from
     AND (a.valid_to IS NULL OR ev.on_day < a.valid_to)
    GROUP BY ev.item_key, ev.kind
),
by_domain AS (
    SELECT ev.item_key, ev.kind,
           first(d.org ORDER BY d.suffix_length DESC, d.valid_from DESC)                   AS org,
           first('domain map: ' || d.matched_domain || ' -> ' || d.org
                 || coalesce(' (' || d.origin || ')', '')
                 ORDER BY d.suffix_length DESC, d.valid_from DESC)                         AS detail
    FROM ev JOIN domain_orgs d
      ON d.email_domain = ev.email_domain AND ev.on_day >= d.valid_from
     AND (d.valid_to IS NULL OR ev.on_day < d.valid_to)
    GROUP BY ev.item_key, ev.kind
),
unknown AS (
    SELECT coalesce(max(value), 'Independent') AS org FROM attribution_settings WHERE key = 'unknown_org'
),
attributed AS (
    SELECT ev.*,
           CASE WHEN bp.org IS NOT NULL THEN bp.org
                WHEN pm.email_domain IS NOT NULL THEN 'Independent'
                WHEN bd.org IS NOT NULL THEN bd.org
                ELSE u.org END                                                             AS org,
           CASE WHEN bp.org IS NOT NULL AND bp.rank = 0 THEN 'override'
                WHEN bp.org IS NOT NULL THEN 'affiliation period'
                WHEN pm.email_domain IS NOT NULL THEN 'public mail provider'
                WHEN bd.org IS NOT NULL THEN 'email domain'
                ELSE 'no match: ' || lower(u.org) END                                      AS org_rule,
           CASE WHEN bp.org IS NOT NULL THEN bp.detail
                WHEN pm.email_domain IS NOT NULL THEN 'public mail provider: ' || ev.email_domain
                WHEN bd.org IS NOT NULL THEN bd.detail
                WHEN ev.email_domain IS NULL THEN 'identity has no email'
                ELSE 'no domain map entry for ' || ev.email_domain END                     AS org_origin,
           u.org AS unknown_org
    FROM ev
    CROSS JOIN unknown u
    LEFT JOIN by_period bp ON bp.item_key = ev.item_key AND bp.kind = ev.kind
    LEFT JOIN by_domain bd ON bd.item_key = ev.item_key AND bd.kind = ev.kind
    LEFT JOIN public_mail_matches pm ON pm.email_domain = ev.email_domain
)
SELECT
    a.kind, a.source, a.item_key, a.repo,
    coalesce(r.project, a.project, a.repo)                        AS project,
    coalesce(p.team, 'Unassigned')                                AS team,
    a.identity_id, a.person_id, a.is_bot,
    a.org,
    a.org = 'Independent'                                         AS is_independent,
    a.org_rule,
    a.ts,
    a.org_origin,
    a.email_domain,
    -- concentration unit: each independent (or unknown) person is their own organisation
    CASE WHEN a.org IN ('Independent', a.unknown_org) THEN a.org || ': ' || a.person_id
         ELSE a.org END                                           AS org_unit
FROM attributed a
LEFT JOIN repos r ON r.name = a.repo
LEFT JOIN projects p ON p.name = coalesce(r.project, a.project);

-- Two sources disagreeing about the same person on the same days.  The winner
-- is the lower rank (overrides 0, then files in configured order).
CREATE VIEW affiliation_conflicts AS
SELECT w.person_id, pe.display_name,
       greatest(w.valid_from, l.valid_from)                                     AS conflict_from,
       CASE WHEN w.valid_to IS NULL THEN l.valid_to
            WHEN l.valid_to IS NULL THEN w.valid_to
            ELSE least(w.valid_to, l.valid_to) END                              AS conflict_to,
       w.org AS chosen_org, coalesce(w.detail, w.origin) AS chosen_source,
       l.org AS other_org, coalesce(l.detail, l.origin) AS other_source
FROM affiliations w
JOIN affiliations l
  ON l.person_id = w.person_id AND l.org <> w.org
 AND coalesce(l.origin, '') <> coalesce(w.origin, '')
 AND (w.rank < l.rank OR (w.rank = l.rank AND w.origin < l.origin))
 AND w.valid_from < coalesce(l.valid_to, DATE '9999-12-31')
 AND l.valid_from < coalesce(w.valid_to, DATE '9999-12-31')
LEFT JOIN people pe ON pe.person_id = w.person_id;
