-- Repository hygiene per repository, from each check's latest capture:
-- a security policy/contact document and dependency constraints.
WITH latest AS (
    SELECT repo, check_name, passed, detail, captured_at
    FROM repo_checks
    WHERE check_name IN ('security_policy', 'dependency_constraints')
    QUALIFY row_number() OVER (PARTITION BY repo, check_name ORDER BY captured_at DESC) = 1
)
SELECT l.repo,
       r.project,
       any_value(l.passed) FILTER (WHERE l.check_name = 'security_policy')         AS security_policy,
       any_value(l.detail) FILTER (WHERE l.check_name = 'security_policy')         AS security_policy_detail,
       any_value(l.passed) FILTER (WHERE l.check_name = 'dependency_constraints')  AS dependency_constraints,
       any_value(l.detail) FILTER (WHERE l.check_name = 'dependency_constraints')  AS dependency_constraints_detail,
       max(l.captured_at)                                                          AS checked_at
FROM latest l
LEFT JOIN repos r ON r.name = l.repo
LEFT JOIN projects p ON p.name = r.project
WHERE ($f_teams::VARCHAR[] IS NULL OR list_contains($f_teams::VARCHAR[], p.team))
  AND ($f_projects::VARCHAR[] IS NULL OR list_contains($f_projects::VARCHAR[], r.project))
  AND ($f_repos::VARCHAR[] IS NULL OR list_contains($f_repos::VARCHAR[], l.repo))
GROUP BY l.repo, r.project
ORDER BY l.repo
