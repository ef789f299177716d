-- The organisations each team depends on most, per release cycle, and how
-- that changed: for every (team, cycle) the $top_n organisations by share of
-- the team's contributions in the cycle (independents are people, not an
-- organisation to depend on, so they are not ranked but count in the total),
-- with the same organisation's share in the previous cycle.
-- The query is the macro team_dependence_in (schema/0030_team_governance_tables.sql),
-- precomputed for the default view up to rank 10 (a team filter only picks rows).
WITH d AS (
    SELECT * EXCLUDE (with_bots) FROM team_dependence
    WHERE coalesce($f_rollups::BOOLEAN, true)
          AND $f_projects::VARCHAR[] IS NULL AND $f_repos::VARCHAR[] IS NULL AND $f_start::DATE IS NULL
          AND $f_end::DATE IS NULL AND $f_orgs::VARCHAR[] IS NULL AND $f_kinds::VARCHAR[] IS NULL AND $top_n <= 10
      AND with_bots = coalesce($f_bots::BOOLEAN, false) AND rank <= $top_n
      AND ($f_teams::VARCHAR[] IS NULL OR list_contains($f_teams::VARCHAR[], team))
    UNION ALL
    SELECT * FROM team_dependence_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                     $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                                     $f_bots::BOOLEAN, $top_n)
    WHERE NOT (coalesce($f_rollups::BOOLEAN, true)
          AND $f_projects::VARCHAR[] IS NULL AND $f_repos::VARCHAR[] IS NULL AND $f_start::DATE IS NULL
          AND $f_end::DATE IS NULL AND $f_orgs::VARCHAR[] IS NULL AND $f_kinds::VARCHAR[] IS NULL AND $top_n <= 10)
)
SELECT team, cycle, rank, org, contributions, share, previous_share, change FROM d
ORDER BY team, cycle_idx, rank;
