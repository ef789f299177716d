-- Strategic contributions (DESIGN 4, issue 13): per organisation (or person),
-- the share of its contributions that serve the community's long-term health,
-- next to the community's share, for the whole window ($by_cycle = false,
-- period 'all') or per release cycle ($by_cycle = true).
--
-- Attribution is the contributions view's (contribution_facts through
-- contributions_in): person, organisation and bots exactly as on every page.
-- Each contribution's categories are defined once, by strategic_flags_in
-- (schema/0025_strategic_facts.sql), and precomputed at every write: the
-- filtered contributions come from strategic_facts, and the default view of
-- organisations (no team / project / repo / date filter) from their totals.
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
WITH collected AS (   -- a category whose source is not collected is "no data", never 0
    SELECT EXISTS (SELECT 1 FROM feature_matrix)                      AS matrix,
           EXISTS (SELECT 1 FROM changes)                             AS reviews,
           EXISTS (SELECT 1 FROM bug_tasks)                           AS bugs,
           EXISTS (SELECT 1 FROM repos WHERE is_common_library)       AS common
),
f AS (   -- each filtered contribution with its categories (schema/0025_strategic_facts.sql)
    SELECT f.*, CASE WHEN $unit = 'person' THEN f.person_id ELSE f.org END AS unit
    FROM strategic_facts_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                            $f_start::DATE, $f_end::DATE, $f_kinds::VARCHAR[], $f_bots::BOOLEAN,
                            $f_rollups::BOOLEAN) f
    WHERE NOT ($unit = 'org' AND coalesce($f_rollups::BOOLEAN, true)        -- else strategic_totals answers
               AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL AND $f_repos::VARCHAR[] IS NULL
               AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL)
),
periods AS (
    SELECT f.*, 'all' AS period, CAST(NULL AS DATE) AS period_start, CAST(NULL AS DATE) AS period_end
    FROM f WHERE NOT $by_cycle
    UNION ALL
    SELECT f.*, d.period, d.period_start, d.period_end
    FROM f JOIN release_cycle_days() d ON d.day = f.day
    WHERE $by_cycle
),
flagged AS (   -- rows whose n add up to the filtered contributions, with their category counts
    SELECT period, period_start, period_end, org AS unit, n, common AS is_common, cross_review AS is_cross_review,
           bug_fix AS is_bug_fix, security AS is_security,
           CASE WHEN (SELECT matrix FROM collected) THEN touches_matrix ELSE 0 END AS is_consistency,
           CASE WHEN (SELECT matrix FROM collected) THEN strategic_or_matrix ELSE strategic END AS is_strategic,
           test_lines, changed_lines
    FROM strategic_totals
    WHERE $unit = 'org' AND coalesce($f_rollups::BOOLEAN, true)   -- organisations, no team / project / repo / date filter
      AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL AND $f_repos::VARCHAR[] IS NULL
      AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL
      AND (period = 'all') <> $by_cycle
      AND ($f_kinds::VARCHAR[] IS NULL OR list_contains($f_kinds::VARCHAR[], kind))
      AND (coalesce($f_bots::BOOLEAN, false) OR NOT is_bot)
    UNION ALL
    SELECT period, period_start, period_end, unit, 1, is_common::INTEGER, is_cross_review::INTEGER,
           is_bug_fix::INTEGER, is_security::INTEGER, is_consistency::INTEGER,
           (is_common OR is_cross_review OR is_bug_fix OR is_security OR is_consistency)::INTEGER,
           test_lines, changed_lines
    FROM (SELECT *, touches_matrix AND (SELECT matrix FROM collected) AS is_consistency FROM periods)
),
counts AS (
    SELECT period, any_value(period_start) AS period_start, any_value(period_end) AS period_end,
           unit, grouping(unit) = 1 AS is_community,
           CAST(sum(n) AS BIGINT)                                                           AS n_all,
           CAST(sum(is_common) AS BIGINT)                                                   AS common_libraries,
           CAST(sum(is_cross_review) AS BIGINT)                                             AS cross_org_reviews,
           CAST(sum(is_bug_fix) AS BIGINT)                                                  AS bug_fixes,
           CAST(sum(is_security) AS BIGINT)                                                 AS security,
           CAST(sum(is_consistency) AS BIGINT)                                              AS consistency,
           CAST(sum(is_strategic) AS BIGINT)                                                AS strategic,
           coalesce(sum(test_lines), 0)                                                     AS test_lines,
           coalesce(sum(changed_lines), 0)                                                  AS changed_lines
    FROM flagged
    GROUP BY GROUPING SETS ((period, unit), (period))
),
ranked AS (   -- units by contributions over every period
    SELECT unit, row_number() OVER (ORDER BY sum(n_all) DESC, unit) AS volume_rank
    FROM counts WHERE NOT is_community GROUP BY unit
),
kept AS (   -- the community, and the units the person, organisation or top-N choice keeps
    SELECT c.* FROM counts c LEFT JOIN ranked r ON r.unit = c.unit AND NOT c.is_community
    WHERE c.is_community
       OR (($person::VARCHAR IS NULL OR c.unit = $person::VARCHAR)
           AND ($f_orgs::VARCHAR[] IS NULL OR $unit <> 'org' OR list_contains($f_orgs::VARCHAR[], c.unit))
           AND ($f_orgs::VARCHAR[] IS NOT NULL OR $top_n::INTEGER IS NULL OR r.volume_rank <= $top_n::INTEGER))
),
long AS (
    SELECT c.period, c.period_start, c.period_end, c.unit, c.is_community, c.n_all,
           v.category, v.num, v.den, v.counted, v.no_data
    FROM kept c,
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
ORDER BY s.period_start NULLS FIRST, s.is_community DESC, s.unit, s.category;
