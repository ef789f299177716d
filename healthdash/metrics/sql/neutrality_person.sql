-- One person's contributions grouped by how they were attributed: the
-- organisation, the rule (override, affiliation period, public mail provider,
-- email domain, no match) and the exact file line or domain entry behind it,
-- with the first and last day each attribution applied.
SELECT org, org_rule, org_origin, kind,
       CAST(count(*) AS BIGINT)   AS contributions,
       min(day)                   AS first_day,
       max(day)                   AS last_day,
       string_agg(DISTINCT team, ', ' ORDER BY team) AS teams
FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                      $f_start::DATE, $f_end::DATE, NULL::VARCHAR[], $f_kinds::VARCHAR[], TRUE)
WHERE person_id = $person
GROUP BY org, org_rule, org_origin, kind
ORDER BY first_day, org, kind;
