-- The people behind one organisation's contributions (organisation drill-down):
-- contributions credited to $org while they were with it, by person, with the
-- first and last day.  $org = 'Independent' lists every independent person.
SELECT c.person_id, coalesce(any_value(p.display_name), c.person_id) AS person,
       CAST(count(*) AS BIGINT)                     AS contributions,
       string_agg(DISTINCT c.team, ', ' ORDER BY c.team) AS teams,
       min(c.day)                                   AS first_day,
       max(c.day)                                   AS last_day
FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                      $f_start::DATE, $f_end::DATE, NULL::VARCHAR[], $f_kinds::VARCHAR[],
                      $f_bots::BOOLEAN) c
LEFT JOIN people p USING (person_id)
WHERE c.org = $org
GROUP BY c.person_id
ORDER BY contributions DESC, person;
