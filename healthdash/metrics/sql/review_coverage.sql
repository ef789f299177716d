-- Review coverage (DESIGN 4, Security): share of non-merge commits on the
-- collected (default) branch that landed through a merged change approved
-- (Code-Review +2 / GitHub APPROVED, not CI) by a person other than both the
-- commit's author and the change's owner, by month of the commit date.  Which
-- commit is covered is decided once per write, in
-- warehouse/derived/rollup_review_coverage_commits.sql (the definition, with how commits
-- link to changes and when an approval stops counting); this query filters and
-- counts.  The organisation filter keeps the commits authored by the
-- organisation's people: the author's organisation at the commit date, as
-- attributed in contribution_facts (kind 'commit', item_key repo@sha).
SELECT month,
       CAST(count(*) AS BIGINT)                                  AS commits,
       CAST(count(*) FILTER (WHERE covered) AS BIGINT)           AS reviewed,
       count(*) FILTER (WHERE covered) / count(*)                AS coverage
FROM review_coverage_commits
WHERE ($f_teams::VARCHAR[] IS NULL OR list_contains($f_teams::VARCHAR[], team))
  AND ($f_projects::VARCHAR[] IS NULL OR list_contains($f_projects::VARCHAR[], project))
  AND ($f_repos::VARCHAR[] IS NULL OR list_contains($f_repos::VARCHAR[], repo))
  AND ($f_start::DATE IS NULL OR commit_date >= CAST($f_start::DATE AS TIMESTAMPTZ))
  AND ($f_end::DATE IS NULL OR commit_date < CAST($f_end::DATE AS TIMESTAMPTZ) + INTERVAL 1 DAY)
  AND ($f_orgs::VARCHAR[] IS NULL OR list_has_any($f_orgs::VARCHAR[], author_orgs))
GROUP BY month
ORDER BY month;
