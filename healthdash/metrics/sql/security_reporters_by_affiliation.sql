-- Who reports the vulnerabilities behind advisories: per reporter affiliation
-- (NULL/UNKNOWN -> 'Unknown'), distinct reporters and advisories, and the share
-- of all filtered advisories that credit that affiliation.
WITH chosen AS (
    SELECT DISTINCT advisory_id
    FROM advisories_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[])
    WHERE ($f_start::DATE IS NULL OR published >= $f_start::DATE)
      AND CAST(published AS TIMESTAMPTZ) < $as_of::TIMESTAMPTZ
),
credits AS (
    SELECT coalesce(r.affiliation, 'Unknown') AS affiliation, r.reporter, r.advisory_id
    FROM advisory_reporters r JOIN chosen USING (advisory_id)
)
SELECT affiliation,
       count(DISTINCT reporter)                                               AS reporters,
       count(DISTINCT advisory_id)                                            AS advisories,
       round(count(DISTINCT advisory_id) / (SELECT count(*) FROM chosen), 3)  AS share_of_advisories
FROM credits
GROUP BY affiliation
ORDER BY advisories DESC, affiliation
