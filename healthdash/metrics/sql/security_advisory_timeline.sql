-- Advisories matching the filters, newest first, with their projects and CVE
-- ids, and the days from the first report of a linked bug to publication
-- (NULL when no linked bug is known; private bugs only where the policy allows).
WITH chosen AS (
    SELECT DISTINCT advisory_id
    FROM advisories_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[])
    WHERE ($f_start::DATE IS NULL OR published >= $f_start::DATE)
      AND CAST(published AS TIMESTAMPTZ) < $as_of::TIMESTAMPTZ
)
SELECT a.advisory_id,
       a.published,
       a.title,
       array_to_string(a.projects, ', ')                                         AS projects,
       coalesce((SELECT string_agg(c.cve_id, ', ' ORDER BY c.cve_id) FROM cves c
                 WHERE c.advisory_id = a.advisory_id), '')                       AS cves,
       (SELECT count(*) FROM cves c WHERE c.advisory_id = a.advisory_id)         AS cve_count,
       round(epoch(CAST(a.published AS TIMESTAMPTZ) - r.reported_at) / 86400.0, 1) AS days_from_report
FROM advisories a
JOIN chosen USING (advisory_id)
LEFT JOIN advisory_reports r USING (advisory_id)
ORDER BY a.published DESC, a.advisory_id DESC
