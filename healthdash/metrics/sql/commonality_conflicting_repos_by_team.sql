-- The repositories declaring a dependency whose specifier excludes its constrained version
-- (pinned as commonality_dependency_rows.sql does), counted per team and over every
-- repository (is_community, team NULL), for the scorecard's dependency drift.  The excluding
-- (specifier, version) pairs come zipped in $specifiers / $versions: `packaging` decided them
-- (healthdash.metrics.commonality.conflicting_repos_by_team).  A team's row exists only when
-- it has such a repository.  tests/test_scorecard_grouped.py checks it against
-- commonality.summary's conflicting_repos.
WITH pins AS (
    SELECT name, markers, any_value(version ORDER BY line) AS version FROM constraints GROUP BY name, markers
),
excluding AS (
    SELECT unnest($specifiers::VARCHAR[]) AS specifier, unnest($versions::VARCHAR[]) AS version
),
conflicts AS (
    SELECT DISTINCT r.team, d.repo
    FROM dependencies d
    JOIN content_repos_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[]) r ON r.repo = d.repo
    LEFT JOIN pins same ON same.name = d.name AND same.markers = d.markers AND d.markers <> ''
    LEFT JOIN pins plain ON plain.name = d.name AND plain.markers = ''
    JOIN excluding x ON x.specifier = d.specifier AND x.version = coalesce(same.version, plain.version)
    WHERE NOT starts_with(d.specifier, '@')
)
SELECT grouping(team) = 1 AS is_community, team, CAST(count(DISTINCT repo) AS BIGINT) AS repos
FROM conflicts
GROUP BY GROUPING SETS ((team), ())
HAVING count(*) > 0 AND (grouping(team) = 1 OR team IS NOT NULL)
