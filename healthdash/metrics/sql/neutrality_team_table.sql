-- One row per team with the neutrality metrics over the filtered
-- contributions: people, organisations (independents one per person),
-- elephant factor, top-1 / top-2 share, HHI, effective organisations, pony
-- factor and independents' share.
-- The query is the macro team_neutrality_in (schema/0030_team_governance_tables.sql),
-- precomputed for the default view (a team filter only picks rows).
WITH t AS (
    SELECT * EXCLUDE (with_bots) FROM team_neutrality
    WHERE coalesce($f_rollups::BOOLEAN, true)
          AND $f_projects::VARCHAR[] IS NULL AND $f_repos::VARCHAR[] IS NULL AND $f_start::DATE IS NULL
          AND $f_end::DATE IS NULL AND $f_orgs::VARCHAR[] IS NULL AND $f_kinds::VARCHAR[] IS NULL
      AND with_bots = coalesce($f_bots::BOOLEAN, false)
      AND ($f_teams::VARCHAR[] IS NULL OR list_contains($f_teams::VARCHAR[], team))
    UNION ALL
    SELECT * FROM team_neutrality_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                     $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                                     $f_bots::BOOLEAN)
    WHERE NOT (coalesce($f_rollups::BOOLEAN, true)
          AND $f_projects::VARCHAR[] IS NULL AND $f_repos::VARCHAR[] IS NULL AND $f_start::DATE IS NULL
          AND $f_end::DATE IS NULL AND $f_orgs::VARCHAR[] IS NULL AND $f_kinds::VARCHAR[] IS NULL)
)
SELECT * FROM t
ORDER BY contributions DESC, team;
