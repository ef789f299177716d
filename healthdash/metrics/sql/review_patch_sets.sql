-- Patch sets per merged change (Gerrit revisions; GitHub has none), by month
-- of merge: merged changes, mean and median patch sets, and the most.
SELECT submitted_month  AS month,
       CAST(count(*) AS BIGINT)                       AS merged,
       avg(patch_sets)                                AS mean_patch_sets,
       quantile_cont(patch_sets, 0.5)                 AS median_patch_sets,
       CAST(max(patch_sets) AS BIGINT)                AS max_patch_sets
FROM review_changes_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                       $f_orgs::VARCHAR[])
WHERE status = 'MERGED' AND submitted IS NOT NULL AND patch_sets IS NOT NULL
  AND ($f_start::DATE IS NULL OR submitted >= CAST($f_start::DATE AS TIMESTAMPTZ))
  AND ($f_end::DATE IS NULL OR submitted < CAST($f_end::DATE AS TIMESTAMPTZ) + INTERVAL 1 DAY)
GROUP BY ALL
ORDER BY month;
