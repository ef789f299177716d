-- People whose organisation changed, and when: consecutive contributions
-- (in time order) attributed to different organisations.  changed_on is the
-- day of the first contribution under the new organisation; rule says which
-- attribution rule gave it.
-- Without a team / project / repo / kind filter the points come precomputed from
-- affiliation_change_points (derived/rollup_affiliation_change_points.sql: the same lag
-- over every contribution of a person); a date window then keeps the points whose
-- previous contribution falls inside it, exactly as the lag over the window's
-- contributions does.  Those four filters change which contributions are
-- consecutive, so with any of them (or $f_rollups false) the lag runs over the filtered
-- contributions.
WITH filtered AS (
    SELECT person_id, org, org_rule, org_origin, ts,
           lag(org) OVER (PARTITION BY person_id ORDER BY ts, item_key) AS previous_org,
           lag(ts) OVER (PARTITION BY person_id ORDER BY ts, item_key)  AS previous_ts
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, NULL::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
    WHERE NOT ($f_rollups::BOOLEAN AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL
               AND $f_repos::VARCHAR[] IS NULL AND $f_kinds::VARCHAR[] IS NULL)
),
c AS (
    SELECT * FROM filtered
    UNION ALL
    SELECT person_id, org, org_rule, org_origin, ts, previous_org, previous_ts
    FROM affiliation_change_points
    WHERE $f_rollups::BOOLEAN AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL
      AND $f_repos::VARCHAR[] IS NULL AND $f_kinds::VARCHAR[] IS NULL
      AND with_bots = coalesce($f_bots::BOOLEAN, false)
      AND ($f_start::DATE IS NULL OR previous_ts >= CAST($f_start::DATE AS TIMESTAMPTZ))
      AND ($f_end::DATE IS NULL OR ts < CAST($f_end::DATE AS TIMESTAMPTZ) + INTERVAL 1 DAY)
)
SELECT coalesce(p.display_name, c.person_id) AS person,
       CAST(c.ts AS DATE) AS changed_on, c.previous_org AS from_org, c.org AS to_org,
       CAST(c.previous_ts AS DATE) AS last_day_before, c.org_rule AS rule, c.org_origin AS source,
       c.person_id
FROM c LEFT JOIN people p USING (person_id)
WHERE c.previous_org IS NOT NULL AND c.previous_org <> c.org
  AND ($f_orgs::VARCHAR[] IS NULL OR list_contains($f_orgs::VARCHAR[], c.org)
       OR list_contains($f_orgs::VARCHAR[], c.previous_org))
ORDER BY changed_on DESC, person;
