-- REFERENCE: the definition before the speed rewrite of issue 11 (kept to prove the rewrite gives
-- the same rows: tests/test_chart_rewrites.py).  Not read by the dashboard.
-- Every declared dependency of the filtered repositories with the community's
-- constraint for it (same markers, else the unmarked one) and its global
-- requirement; healthdash.metrics.commonality evaluates the specifiers against
-- the constrained versions with `packaging` and aggregates.
WITH repos AS (SELECT * FROM content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[])),
pins AS (
    SELECT name, markers, any_value(version ORDER BY line) AS version FROM constraints GROUP BY name, markers
),
wanted AS (
    SELECT name, string_agg(DISTINCT specifier, ' | ' ORDER BY specifier) AS global_specifier
    FROM global_requirements GROUP BY name
)
SELECT d.repo, r.project, r.team, d.file, d.line, d.name, d.specifier, d.markers, d.kind,
       coalesce(same.version, plain.version)     AS constrained_version,
       w.global_specifier,
       (SELECT count(*) FROM constraints) > 0    AS constraints_loaded
FROM dependencies d
JOIN repos r ON r.repo = d.repo
LEFT JOIN pins same ON same.name = d.name AND same.markers = d.markers AND d.markers <> ''
LEFT JOIN pins plain ON plain.name = d.name AND plain.markers = ''
LEFT JOIN wanted w ON w.name = d.name
WHERE NOT starts_with(d.specifier, '@')
ORDER BY d.name, d.repo, d.file, d.line
