-- Strategic contributions (DESIGN 4, issue 13): per organisation (or person),
-- the share of its contributions that serve the community's long-term health,
-- next to the community's share, for the whole window ($by_cycle = false,
-- period 'all') or per release cycle ($by_cycle = true).
--
-- Attribution is the contributions view's (contribution_facts through
-- contributions_in): person, organisation and bots exactly as on every page.
-- A contribution may count in several categories; shares do not add up to 1.
--   common_libraries   contributions in a repository configured as a common
--                      library (bugs: the project of one) / all contributions
--   tests              changed lines (added + removed) in test files
--                      (macro is_test_path, the one rule) / changed lines of
--                      the unit's commits -- lines, not contributions
--   cross_org_reviews  reviews (review + core_review) of a change whose owner
--                      belongs to another organisation: org_unit of the reviewer
--                      and of the owner (change_owner_orgs) differ -- each
--                      independent person is their own; owner unknown = not
--                      counted / all
--   bug_fixes          bugs fixed (the assignee at the fix) / all
--   security           security bugs reported or fixed, and merged changes or
--                      reviews of the changes an advisory names as its fix / all
--   consistency        commits changing a feature-matrix file (support-matrix,
--                      feature-matrix) / all
--   strategic          contributions in at least one category above except
--                      tests (a line share) / all
-- A category whose source is not in the warehouse (no feature matrix, no code
-- review, no bug tracker, no common library configured) is NULL with a note
-- ("no data"), never 0; "strategic" then counts the categories that have data.
-- community = every unit pooled (sum of numerators / sum of denominators).
-- Per cycle, in_progress says the cycle ends after the data (or the filter's end).
-- $top_n keeps the N units with most contributions (NULL = all) plus the
-- community row; the organisation filter picks organisations instead (the
-- community stays every organisation, so it remains the yardstick; a person's
-- view ignores it); $person keeps that person's rows plus the community's.
WITH f AS (
    SELECT c.kind, c.source, c.item_key, c.repo, c.project, c.identity_id, c.person_id, c.org, c.org_unit, c.ts,
           CASE WHEN $unit = 'person' THEN c.person_id ELSE c.org END AS unit
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, NULL::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN) c
),
periods AS (
    SELECT f.*, 'all' AS period, CAST(NULL AS DATE) AS period_start, CAST(NULL AS DATE) AS period_end
    FROM f WHERE NOT $by_cycle
    UNION ALL
    SELECT f.*, rc.name, rc.start_at, rc.end_at
    FROM f JOIN release_cycles rc
      ON f.ts >= CAST(rc.start_at AS TIMESTAMPTZ) AND f.ts < CAST(rc.end_at AS TIMESTAMPTZ) + INTERVAL 1 DAY
    WHERE $by_cycle
),
keyed AS (   -- the change a merged change or a review is about (item keys of review_events)
    SELECT p.*,
           CASE WHEN p.kind = 'merged_change' THEN substr(p.item_key, length(p.source) + 2)
                WHEN p.kind IN ('review', 'core_review')
                THEN substr(p.item_key, length(p.source) + 2,
                            strpos(p.item_key, ':' || p.identity_id || ':') - length(p.source) - 2)
           END AS change_key
    FROM periods p
),
common_repos AS (SELECT name, project FROM repos WHERE is_common_library),
advisory_changes AS (   -- changes whose number ends a fix review link of an advisory
    SELECT DISTINCT ch.source, ch.change_key
    FROM changes ch
    JOIN (SELECT DISTINCT TRY_CAST(regexp_extract(link, '(\d+)/?$', 1) AS BIGINT) AS number
          FROM advisories, unnest(reviews) AS t(link)) a ON a.number = ch.number
),
collected AS (   -- a category whose source is not collected is "no data", never 0
    SELECT EXISTS (SELECT 1 FROM feature_matrix)                      AS matrix,
           EXISTS (SELECT 1 FROM changes)                             AS reviews,
           EXISTS (SELECT 1 FROM bug_facts)                           AS bugs,
           EXISTS (SELECT 1 FROM repos WHERE is_common_library)       AS common
),
security_bugs AS (SELECT DISTINCT bug_ref FROM bug_lifecycle WHERE is_security),
commit_keys AS (SELECT DISTINCT item_key FROM f WHERE kind = 'commit'),
key_lines AS (   -- per commit, summed once per write (derived/rollup_commit_lines.sql)
    SELECT l.item_key, l.changed_lines, l.test_lines, l.touches_matrix
    FROM commit_keys k
    JOIN commit_lines l ON l.item_key = k.item_key
),
flagged AS (
    SELECT k.period, k.period_start, k.period_end, k.unit, k.item_key, k.kind,
           k.repo IN (SELECT name FROM common_repos)
             OR (k.repo IS NULL AND k.project IN (SELECT project FROM common_repos))        AS is_common,
           k.kind IN ('review', 'core_review') AND o.org_unit IS NOT NULL
             AND k.org_unit <> o.org_unit                                                   AS is_cross_review,
           k.kind = 'bug_fixed'                                                             AS is_bug_fix,
           (k.kind IN ('bug_filed', 'bug_fixed') AND k.item_key IN (SELECT bug_ref FROM security_bugs))
             OR (k.change_key IS NOT NULL AND EXISTS (
                 SELECT 1 FROM advisory_changes a WHERE a.source = k.source AND a.change_key = k.change_key))
                                                                                            AS is_security,
           coalesce(l.touches_matrix, false) AND (SELECT matrix FROM collected)             AS is_consistency,
           l.changed_lines, l.test_lines
    FROM keyed k
    LEFT JOIN change_owner_orgs o ON o.source = k.source AND o.change_key = k.change_key
                                  AND k.kind IN ('review', 'core_review')
    LEFT JOIN key_lines l ON l.item_key = k.item_key AND k.kind = 'commit'
),
counts AS (
    SELECT period, any_value(period_start) AS period_start, any_value(period_end) AS period_end,
           unit, grouping(unit) = 1 AS is_community,
           count(*)                                                                         AS n_all,
           count(*) FILTER (WHERE is_common)                                                AS common_libraries,
           count(*) FILTER (WHERE is_cross_review)                                          AS cross_org_reviews,
           count(*) FILTER (WHERE is_bug_fix)                                               AS bug_fixes,
           count(*) FILTER (WHERE is_security)                                              AS security,
           count(*) FILTER (WHERE is_consistency)                                           AS consistency,
           count(*) FILTER (WHERE is_common OR is_cross_review OR is_bug_fix OR is_security
                                   OR is_consistency)                                      AS strategic,
           coalesce(sum(test_lines), 0)                                                     AS test_lines,
           coalesce(sum(changed_lines), 0)                                                  AS changed_lines
    FROM flagged
    GROUP BY GROUPING SETS ((period, unit), (period))
),
long AS (
    SELECT c.period, c.period_start, c.period_end, c.unit, c.is_community, c.n_all,
           v.category, v.num, v.den, v.counted, v.no_data
    FROM counts c,
         collected k,
         LATERAL (VALUES ('strategic', c.strategic, c.n_all, 'contributions', NULL),
                         ('common_libraries', CASE WHEN k.common THEN c.common_libraries END, c.n_all,
                          'contributions', 'no data: no repository configured as a common library'),
                         ('tests', c.test_lines, c.changed_lines, 'changed lines', 'no data: no changed lines'),
                         ('cross_org_reviews', CASE WHEN k.reviews THEN c.cross_org_reviews END, c.n_all,
                          'contributions', 'no data: no code review collected'),
                         ('bug_fixes', CASE WHEN k.bugs THEN c.bug_fixes END, c.n_all, 'contributions',
                          'no data: no bug tracker collected'),
                         ('security', CASE WHEN k.bugs THEN c.security END, c.n_all, 'contributions',
                          'no data: no bug tracker collected'),
                         ('consistency', CASE WHEN k.matrix THEN c.consistency END, c.n_all, 'contributions',
                          'no data: no feature matrix collected')) AS v(category, num, den, counted, no_data)
),
ranked AS (   -- units by contributions over every period; the community first
    SELECT unit, row_number() OVER (ORDER BY sum(n_all) DESC, unit) AS volume_rank
    FROM counts WHERE NOT is_community GROUP BY unit
),
shares AS (
    SELECT l.*, l.num / nullif(l.den, 0) AS share FROM long l
)
SELECT s.period, s.period_start, s.period_end,
       s.period_end > least((SELECT max(ts)::DATE FROM contribution_facts),
                            coalesce($f_end::DATE, DATE '9999-12-31'))                   AS in_progress,
       CASE WHEN s.is_community THEN 'Community' ELSE s.unit END                          AS unit,
       s.is_community,
       s.n_all                                                                            AS unit_contributions,
       s.category,
       CAST(s.num AS BIGINT)                                                              AS contributions,
       CAST(s.den AS BIGINT)                                                              AS total,
       s.counted,
       s.share,
       c.share                                                                            AS community_share,
       s.share - c.share                                                                  AS difference,
       CASE WHEN s.share IS NULL THEN s.no_data END                                       AS note
FROM shares s
JOIN shares c ON c.is_community AND c.period = s.period AND c.category = s.category
LEFT JOIN ranked r ON r.unit = s.unit AND NOT s.is_community
WHERE s.is_community
   OR (($person::VARCHAR IS NULL OR s.unit = $person::VARCHAR)
       AND ($f_orgs::VARCHAR[] IS NULL OR $unit <> 'org' OR list_contains($f_orgs::VARCHAR[], s.unit))
       AND ($f_orgs::VARCHAR[] IS NOT NULL OR $top_n::INTEGER IS NULL OR r.volume_rank <= $top_n::INTEGER))
ORDER BY s.period_start NULLS FIRST, s.is_community DESC, s.unit, s.category;
