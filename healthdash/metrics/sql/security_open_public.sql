-- The open PUBLIC security bugs at $as_of, oldest first, with their links.
-- Reads public_bugs_in only: a private bug's title, number or link never
-- reaches this list, whatever the privacy policy says about aggregates.
SELECT CASE WHEN source = 'launchpad' THEN '#' || bug_id ELSE bug_id END   AS bug,
       title,
       project,
       importance,
       status,
       round(epoch($as_of::TIMESTAMPTZ - created) / 86400.0, 1)            AS age_days,
       web_link                                                            AS link
FROM public_bugs_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[])
WHERE is_security AND NOT is_duplicate
  AND created < $as_of::TIMESTAMPTZ
  AND (resolved_at IS NULL OR resolved_at >= $as_of::TIMESTAMPTZ)
ORDER BY age_days DESC, bug
