-- One organisation's contributions by team and kind (the organisation
-- drill-down), with its share of each team's contributions of that kind and
-- how many of its people took part.  $org = 'Independent' covers every
-- independent person.
WITH c AS (
    SELECT team, kind, org, person_id
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, NULL::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
),
totals AS (SELECT team, kind, count(*) AS team_total FROM c GROUP BY team, kind)
SELECT c.team, c.kind,
       CAST(count(*) AS BIGINT)                  AS contributions,
       CAST(count(DISTINCT c.person_id) AS BIGINT) AS people,
       count(*) / any_value(t.team_total)        AS share_of_team
FROM c JOIN totals t USING (team, kind)
WHERE c.org = $org
GROUP BY c.team, c.kind
ORDER BY contributions DESC, c.team, c.kind;
