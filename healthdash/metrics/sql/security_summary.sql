-- One row of Security KPIs at $as_of: open security bugs (distinct bugs; the
-- note says how many of them are private, when the policy counts those) and
-- their median age; security bugs fixed in the window with median / p90 days
-- to fix (one value per bug, quantile_cont); advisories published in the window.
-- Private bugs count only where the privacy policy allows (bugs_in).
WITH b AS (
    SELECT * FROM bugs_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[])
    WHERE is_security AND NOT is_duplicate AND created IS NOT NULL
),
open_now AS (
    SELECT bug_ref, epoch($as_of::TIMESTAMPTZ - min(created)) / 86400.0 AS age_days, bool_or(is_private) AS private
    FROM b
    WHERE created < $as_of::TIMESTAMPTZ AND (resolved_at IS NULL OR resolved_at >= $as_of::TIMESTAMPTZ)
    GROUP BY bug_ref
),
fixes AS (
    SELECT bug_ref, epoch(min(fixed_at) - min(created)) / 86400.0 AS days, min(fixed_at) AS fixed_at
    FROM b WHERE fixed_at IS NOT NULL GROUP BY bug_ref
),
fixed_in_window AS (
    SELECT * FROM fixes
    WHERE ($f_start::DATE IS NULL OR fixed_at >= $f_start::DATE::TIMESTAMPTZ) AND fixed_at < $as_of::TIMESTAMPTZ
),
advisories_in_window AS (
    SELECT count(DISTINCT advisory_id) AS n
    FROM advisories_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[])
    WHERE ($f_start::DATE IS NULL OR published >= $f_start::DATE)
      AND CAST(published AS TIMESTAMPTZ) < $as_of::TIMESTAMPTZ
)
SELECT (SELECT count(*) FROM open_now)                                        AS open_security_bugs,
       (SELECT CASE WHEN count(*) FILTER (WHERE private) > 0
                    THEN 'incl. ' || count(*) FILTER (WHERE private) || ' private, not listed'
                    ELSE 'at the end of the window' END FROM open_now)       AS open_note,
       (SELECT round(median(age_days), 1) FROM open_now)                      AS median_open_age_days,
       (SELECT count(*) FROM fixed_in_window)                                 AS fixed_security_bugs,
       (SELECT round(quantile_cont(days, 0.5), 1) FROM fixed_in_window)       AS median_days_to_fix,
       (SELECT round(quantile_cont(days, 0.9), 1) FROM fixed_in_window)       AS p90_days_to_fix,
       (SELECT n FROM advisories_in_window)                                   AS advisories
