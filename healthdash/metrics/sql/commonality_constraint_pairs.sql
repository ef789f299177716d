-- The distinct (specifier, constrained version) pairs among the declared dependencies of
-- the filtered repositories that have a constraint (as commonality_dependency_rows.sql pins
-- them: the constraint with the same markers, else the unmarked one): the only declarations
-- whose specifier can exclude the constrained version.  ~50,000 declarations at 2,000
-- repositories share ~120 pairs, so `packaging` evaluates those, not every row
-- (healthdash.metrics.commonality.conflicting_repos_by_team).
WITH pins AS (
    SELECT name, markers, any_value(version ORDER BY line) AS version FROM constraints GROUP BY name, markers
)
SELECT DISTINCT d.specifier, coalesce(same.version, plain.version) AS constrained_version
FROM dependencies d
JOIN content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[]) r ON r.repo = d.repo
LEFT JOIN pins same ON same.name = d.name AND same.markers = d.markers AND d.markers <> ''
LEFT JOIN pins plain ON plain.name = d.name AND plain.markers = ''
WHERE NOT starts_with(d.specifier, '@') AND coalesce(same.version, plain.version) IS NOT NULL
