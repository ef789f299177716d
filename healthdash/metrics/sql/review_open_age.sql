-- Age of changes open at $as_of (the end of the window, else now): created by
-- then and neither merged nor abandoned by then (an abandoned change's last
-- update is taken as its abandonment).  Drafts / WIP included.  One row per
-- age bucket, in order, with the count, share and the overall median age.
WITH open_changes AS (
    SELECT epoch($as_of::TIMESTAMPTZ - created) / 86400.0 AS age_days
    FROM review_changes_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                           $f_orgs::VARCHAR[])
    WHERE created IS NOT NULL AND created <= $as_of::TIMESTAMPTZ
      AND NOT (status = 'MERGED' AND submitted <= $as_of::TIMESTAMPTZ)
      AND NOT (status = 'ABANDONED' AND updated <= $as_of::TIMESTAMPTZ)
),
buckets(position, bucket, lo, hi) AS (
    VALUES (1, 'under 1 week', 0, 7), (2, '1-4 weeks', 7, 28), (3, '1-3 months', 28, 91),
           (4, '3-12 months', 91, 365), (5, 'over 1 year', 365, 1e9)
)
SELECT b.bucket,
       CAST(count(o.age_days) AS BIGINT)                                   AS changes,
       coalesce(count(o.age_days) / nullif((SELECT count(*) FROM open_changes), 0), 0) AS share,
       (SELECT quantile_cont(age_days, 0.5) FROM open_changes)              AS median_age_days
FROM buckets b
LEFT JOIN open_changes o ON o.age_days >= b.lo AND o.age_days < b.hi
GROUP BY b.position, b.bucket
HAVING (SELECT count(*) FROM open_changes) > 0
ORDER BY b.position;
