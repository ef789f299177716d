-- Advisories published per year and project (an advisory naming two projects
-- counts once for each).  Window on the publication date; ends at $as_of.
SELECT CAST(year(published) AS INTEGER) AS year, project, count(DISTINCT advisory_id) AS advisories
FROM advisories_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[])
WHERE ($f_start::DATE IS NULL OR published >= $f_start::DATE)
  AND CAST(published AS TIMESTAMPTZ) < $as_of::TIMESTAMPTZ
GROUP BY ALL
ORDER BY year, project
