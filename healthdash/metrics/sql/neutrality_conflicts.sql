-- Affiliation sources that disagree about the same person on the same days
-- (the affiliation_conflicts view): which organisation was chosen by the
-- documented precedence (overrides, then files in configured order) and what
-- the other source said.
SELECT person_id, coalesce(display_name, person_id) AS person, conflict_from, conflict_to,
       chosen_org, chosen_source, other_org, other_source
FROM affiliation_conflicts
WHERE ($f_orgs::VARCHAR[] IS NULL OR list_contains($f_orgs::VARCHAR[], chosen_org)
       OR list_contains($f_orgs::VARCHAR[], other_org))
ORDER BY person, conflict_from, other_source;
