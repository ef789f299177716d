-- Bug tasks as the bug metrics read them (derived/rollup_bug_tasks.sql, rebuilt at the end of
-- every write session; issue 11): bug_facts' dates, flags and place, stored once in creation
-- order.  bug_base computes them per query (tracker status rules, joins to repos and projects,
-- the private bugs' ranks): 50-110 ms of every Quality bug chart at 200,000 bugs, before any
-- counting; and the UTC months of creation and resolution (truncating a TIMESTAMPTZ goes
-- through the ICU calendar, ~1 us a row: ~0.3 s per monthly bug chart).  Aggregate-safe like
-- bug_facts: no title, link, number, reporter or assignee.
CREATE TABLE bug_tasks (
    project       VARCHAR,
    repo          VARCHAR,
    team          VARCHAR,
    importance    VARCHAR,
    created       TIMESTAMPTZ,
    triaged_at    TIMESTAMPTZ,
    fixed_at      TIMESTAMPTZ,
    resolved_at   TIMESTAMPTZ,
    is_open       BOOLEAN,
    is_fixed      BOOLEAN,
    is_security   BOOLEAN,
    is_private    BOOLEAN,
    is_duplicate  BOOLEAN,
    created_month   DATE,
    resolved_month  DATE
);

-- bugs_in (0005_bugs.sql) over bug_tasks: the same filter (a repository keeps its issues and
-- its project's bugs) and the same privacy rule, read at query time (private bugs only when
-- privacy_policy.count_private_in_aggregates).  With f_rollups false (the equivalence test
-- only) the rows come from bugs_in itself.
CREATE OR REPLACE MACRO bug_tasks_in(f_teams, f_projects, f_repos, f_rollups) AS TABLE
SELECT project, repo, team, importance, created, triaged_at, fixed_at, resolved_at, is_open, is_fixed,
       is_security, is_duplicate, created_month, resolved_month
FROM bug_tasks
WHERE coalesce(f_rollups, true)
  AND (NOT is_private
       OR coalesce((SELECT enabled FROM privacy_policy WHERE name = 'count_private_in_aggregates'), false))
  AND (f_teams IS NULL OR list_contains(f_teams, team))
  AND (f_projects IS NULL OR list_contains(f_projects, project))
  AND (f_repos IS NULL OR list_contains(f_repos, repo)
       OR (repo IS NULL AND project IN (SELECT project FROM repos WHERE list_contains(f_repos, name))))
UNION ALL
SELECT project, repo, team, importance, created, triaged_at, fixed_at, resolved_at, is_open, is_fixed,
       is_security, is_duplicate, CAST(date_trunc('month', created) AS DATE) AS created_month,
       CAST(date_trunc('month', resolved_at) AS DATE) AS resolved_month
FROM bugs_in(f_teams, f_projects, f_repos)
WHERE NOT coalesce(f_rollups, true);
