-- Attribution you can trust on a real community (issue 9).  Still ONE place that
-- attributes contributions (``attributed_events``, hence ``contributions`` and
-- ``contribution_facts``); this file redefines it with three changes:
--
-- 1. Unknown is not independent.  An email domain no file maps and no public
--    mail provider owns is a company we cannot name: the contribution goes to an
--    organisation named after the domain, "<domain> (unmapped)" (or to the
--    configured ``unknown_org`` name when the settings give one).  An identity
--    without any email domain goes to "Unknown".  "Independent" is left for
--    public-mail users and people an affiliation file says are independent.
--    In concentration metrics (``org_unit``) an unmapped domain is one
--    organisation (one employer behind one domain), while Independent, Unknown
--    and a configured catch-all name count each person apart, as before.
-- 2. Stale affiliation files.  A file describes employers up to its newest
--    dated change (``affiliation_files.data_until``, set at import).  After that
--    day an open-ended period from the file is only a guess: when the
--    contribution's own email domain maps to another organisation, the domain
--    wins (rule "domain map", origin text says the file was older).  Before that
--    day, and for overrides (rank 0), the period always wins.
-- 3. ``attribution_rule``: which rule attributed each contribution, in the words
--    the Data page and ``healthdash status`` use: bot, affiliation period,
--    independent, public mail, domain map, unmapped domain, no email.

ALTER TABLE affiliation_files ADD COLUMN data_until DATE;

-- Which pattern or mark made a person a bot (NULL for people).
ALTER TABLE people ADD COLUMN bot_reason VARCHAR;

UPDATE attribution_settings SET value = '' WHERE key = 'unknown_org' AND value = 'Independent';

-- Patterns are globs whose brackets are literal: "*[bot]" matches "dependabot[bot]"
-- only (GLOB's [..] class is neutralised by writing "[" as "[[]").
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
                     WHERE lower(trim(coalesce(i.name, ''))) GLOB replace(b.pattern, '[', '[[]')
                        OR lower(trim(coalesce(i.email, ''))) GLOB replace(b.pattern, '[', '[[]')
                        OR lower(trim(coalesce(i.username, ''))) GLOB replace(b.pattern, '[', '[[]'))) AS is_bot,
    coalesce(ip.rule, 'not merged yet: one person per email')            AS merge_rule
FROM identities i
LEFT JOIN identity_person ip USING (identity_id)
LEFT JOIN people pe ON pe.person_id = ip.person_id;

CREATE OR REPLACE VIEW attributed_events AS
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
                 ORDER BY a.rank, a.valid_from DESC, a.org)                                AS detail,
           first(a.valid_to IS NULL AND a.rank > 0 AND f.data_until IS NOT NULL AND ev.on_day > f.data_until
                 ORDER BY a.rank, a.valid_from DESC, a.org)                                AS stale,
           first(a.origin || ' (data until ' || CAST(f.data_until AS VARCHAR) || ')'
                 ORDER BY a.rank, a.valid_from DESC, a.org)                                AS stale_file
    FROM ev JOIN affiliations a
      ON a.person_id = ev.person_id AND ev.on_day >= a.valid_from
     AND (a.valid_to IS NULL OR ev.on_day < a.valid_to)
    LEFT JOIN affiliation_files f ON f.origin = a.origin
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
    SELECT coalesce(max(value), '') AS org FROM attribution_settings WHERE key = 'unknown_org'
),
choice AS (
    SELECT ev.*, bp.org AS period_org, bp.rank AS period_rank, bp.detail AS period_detail,
           pm.email_domain IS NOT NULL AS is_public_mail, bd.org AS domain_org, bd.detail AS domain_detail,
           u.org AS unknown_org,
           coalesce(bp.stale, false) AND bd.org IS NOT NULL AND bd.org <> bp.org
             AND pm.email_domain IS NULL                                                   AS domain_is_newer,
           bp.stale_file
    FROM ev
    CROSS JOIN unknown u
    LEFT JOIN by_period bp ON bp.item_key = ev.item_key AND bp.kind = ev.kind
    LEFT JOIN by_domain bd ON bd.item_key = ev.item_key AND bd.kind = ev.kind
    LEFT JOIN public_mail_matches pm ON pm.email_domain = ev.email_domain
),
attributed AS (
    SELECT c.*,
           CASE WHEN c.period_org IS NOT NULL AND NOT c.domain_is_newer THEN c.period_org
                WHEN c.is_public_mail THEN 'Independent'
                WHEN c.domain_org IS NOT NULL THEN c.domain_org
                WHEN c.email_domain IS NULL THEN 'Unknown'
                WHEN c.unknown_org <> '' THEN c.unknown_org
                ELSE c.email_domain || ' (unmapped)' END                                   AS org,
           CASE WHEN c.period_org IS NOT NULL AND NOT c.domain_is_newer AND c.period_rank = 0 THEN 'override'
                WHEN c.period_org IS NOT NULL AND NOT c.domain_is_newer THEN 'affiliation period'
                WHEN c.is_public_mail THEN 'public mail provider'
                WHEN c.domain_org IS NOT NULL THEN 'email domain'
                WHEN c.email_domain IS NULL THEN 'no email'
                ELSE 'unmapped domain' END                                                 AS org_rule,
           CASE WHEN c.period_org IS NOT NULL AND NOT c.domain_is_newer THEN c.period_detail
                WHEN c.is_public_mail THEN 'public mail provider: ' || c.email_domain
                WHEN c.domain_is_newer THEN c.domain_detail || '; newer than ' || c.stale_file
                WHEN c.domain_org IS NOT NULL THEN c.domain_detail
                WHEN c.email_domain IS NULL THEN 'identity has no email'
                ELSE 'no domain map entry for ' || c.email_domain END                      AS org_origin
    FROM choice c
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
    CASE WHEN a.org IN ('Independent', 'Unknown') OR (a.unknown_org <> '' AND a.org = a.unknown_org)
         THEN a.org || ': ' || a.person_id
         ELSE a.org END                                           AS org_unit,
    CASE WHEN a.is_bot THEN 'bot'
         WHEN a.org_rule IN ('override', 'affiliation period') AND a.org = 'Independent' THEN 'independent'
         WHEN a.org_rule IN ('override', 'affiliation period') THEN 'affiliation period'
         WHEN a.org_rule = 'public mail provider' THEN 'public mail'
         WHEN a.org_rule = 'email domain' THEN 'domain map'
         ELSE a.org_rule END                                      AS attribution_rule
FROM attributed a
LEFT JOIN repos r ON r.name = a.repo
LEFT JOIN projects p ON p.name = coalesce(r.project, a.project);

CREATE OR REPLACE VIEW contributions AS
SELECT * FROM attributed_events WHERE kind <> 'change_created';

CREATE OR REPLACE TABLE contribution_facts AS SELECT * FROM contributions LIMIT 0;
