-- Rebuilt at the end of every write session, after strategic_facts (see
-- schema/0025_strategic_facts.sql): its counts over the whole history (period 'all') and
-- per release cycle, per organisation, kind and bot flag -- a few thousand rows instead of
-- 2.4M contributions (issue 11) for the Strategic page's default view.
CREATE OR REPLACE TABLE strategic_totals AS
WITH periods AS (
    SELECT 'all' AS period, CAST(NULL AS DATE) AS period_start, CAST(NULL AS DATE) AS period_end, f.*
    FROM strategic_facts f
    UNION ALL
    SELECT d.period, d.period_start, d.period_end, f.*
    FROM strategic_facts f JOIN release_cycle_days() d ON d.day = f.day
)
SELECT period, period_start, period_end, org, kind, is_bot,
       count(*)                                                                         AS n,
       count(*) FILTER (WHERE is_common)                                                AS common,
       count(*) FILTER (WHERE is_cross_review)                                          AS cross_review,
       count(*) FILTER (WHERE is_bug_fix)                                               AS bug_fix,
       count(*) FILTER (WHERE is_security)                                              AS security,
       count(*) FILTER (WHERE touches_matrix)                                           AS touches_matrix,
       count(*) FILTER (WHERE is_common OR is_cross_review OR is_bug_fix OR is_security) AS strategic,
       count(*) FILTER (WHERE is_common OR is_cross_review OR is_bug_fix OR is_security OR touches_matrix)
                                                                                        AS strategic_or_matrix,
       sum(test_lines)                                                                  AS test_lines,
       sum(changed_lines)                                                               AS changed_lines
FROM periods
GROUP BY period, period_start, period_end, org, kind, is_bot
ORDER BY period, org;
