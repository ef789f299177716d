-- Headline numbers for the filtered contributions (one row; DESIGN 4):
-- contributors = distinct people; organisations = distinct organisations other
-- than 'Independent' and 'Unknown' (no email: not one organisation; an unmapped
-- domain "x.example (unmapped)" is one, README "Affiliation data"); top_org = the organisation with most contributions and
-- top_org_share = its contributions / ALL contributions (independents included
-- in the denominator); independent_share likewise.
-- Reads contribution_counts_in (whole-history rollup when the filters allow, else the
-- filtered contributions one by one): counts are sum(n).
WITH c AS (
    SELECT org, person_id, n
    FROM contribution_counts_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                                $f_bots::BOOLEAN, $f_rollups::BOOLEAN)
),
per_org AS (
    SELECT org, sum(n) AS n FROM c WHERE org NOT IN ('Independent', 'Unknown') GROUP BY org
),
top AS (
    SELECT org, n FROM per_org ORDER BY n DESC, org LIMIT 1
),
totals AS (
    SELECT coalesce(sum(n), 0) AS contributions,
           count(DISTINCT person_id) AS contributors,
           coalesce(sum(n) FILTER (WHERE org = 'Independent'), 0) AS independent
    FROM c
)
SELECT CAST(t.contributions AS BIGINT)                          AS contributions,
       CAST(t.contributors AS BIGINT)                           AS contributors,
       CAST((SELECT count(*) FROM per_org) AS BIGINT)           AS organisations,
       (SELECT org FROM top)                                    AS top_org,
       CASE WHEN t.contributions > 0 THEN coalesce((SELECT n FROM top), 0) / t.contributions END
                                                                AS top_org_share,
       CASE WHEN t.contributions > 0 THEN t.independent / t.contributions END
                                                                AS independent_share
FROM totals t;
