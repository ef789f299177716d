-- Bugs fixed per organisation of the assignee at the fix date (the
-- contributions view attributes each 'bug_fixed' event), with the share of all
-- filtered fixes.  All global filters apply, bots excluded unless included.
WITH fixes AS (
    SELECT org
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
)
SELECT org,
       count(*)                                              AS bugs_fixed,
       round(count(*) / (SELECT count(*) FROM fixes), 3)     AS share
FROM fixes
GROUP BY org
ORDER BY bugs_fixed DESC, org
