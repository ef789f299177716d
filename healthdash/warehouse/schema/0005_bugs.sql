-- Bugs, advisories and the privacy rule (issue 5).
--
-- ``bugs`` gains the columns the Launchpad and GitHub issue collectors fill;
-- advisories gain their CVEs (a table of their own), reporters with
-- affiliation and links.  The privacy rule on the warehouse side lives here
-- as views, and ``healthdash/privacy.py`` is the Python side of the same rule:
--
--   * ``bug_facts``      every bug (private included) WITHOUT title, link or number;
--   * ``bug_lifecycle``  the bugs an aggregate may count: public ones, plus private
--                        ones only when ``privacy_policy.count_private_in_aggregates``;
--   * ``public_bugs``    the only view with titles, numbers and links: public bugs only.
--
-- Metrics read ``bugs_in(...)`` / ``public_bugs_in(...)``, never ``bugs``.

ALTER TABLE bugs ADD COLUMN bug_id VARCHAR;        -- the tracker's number ("2000001", "org/repo#12")
ALTER TABLE bugs ADD COLUMN repo VARCHAR;          -- GitHub issues: the configured repository
ALTER TABLE bugs ADD COLUMN left_new TIMESTAMPTZ;  -- Launchpad date_left_new: first triage decision
ALTER TABLE bugs ADD COLUMN confirmed TIMESTAMPTZ;
ALTER TABLE bugs ADD COLUMN state_reason VARCHAR;  -- GitHub: completed / not_planned / reopened
ALTER TABLE bugs ADD COLUMN duplicate_of VARCHAR;  -- number of the master bug, when a duplicate
ALTER TABLE bugs ADD COLUMN source_id VARCHAR;     -- configured source that collected the row

ALTER TABLE advisories ADD COLUMN reference VARCHAR;
ALTER TABLE advisories ADD COLUMN issue_links VARCHAR[];   -- every issue link as written
ALTER TABLE advisories ADD COLUMN reviews VARCHAR[];       -- fix review URLs, all branches
ALTER TABLE advisories ADD COLUMN source_id VARCHAR;

CREATE TABLE cves (
    advisory_id VARCHAR NOT NULL,
    cve_id      VARCHAR NOT NULL,
    source_id   VARCHAR,
    PRIMARY KEY (advisory_id, cve_id)
);

CREATE TABLE advisory_reporters (
    advisory_id VARCHAR NOT NULL,
    reporter    VARCHAR NOT NULL,
    affiliation VARCHAR,               -- NULL when the advisory gives none (or UNKNOWN)
    cves        VARCHAR[],
    source_id   VARCHAR,
    PRIMARY KEY (advisory_id, reporter)
);

-- Policy switches copied from ``[security]`` at each collection (privacy.sync_policy).
CREATE TABLE privacy_policy (
    name    VARCHAR PRIMARY KEY,
    enabled BOOLEAN NOT NULL
);
INSERT INTO privacy_policy VALUES ('count_private_in_aggregates', false);

-- Every bug task with its lifecycle normalised across trackers.  Internal:
-- metrics never read it (it still holds titles and numbers).  ``bug_ref``
-- identifies a bug (not a task) for distinct counts: public bugs by source and
-- number, private ones by an opaque rank only.
CREATE VIEW bug_base AS
WITH b AS (
    SELECT b.*,
           CASE WHEN b.source = 'github' THEN b.status = 'open'
                ELSE b.status IN ('New', 'Incomplete', 'Confirmed', 'Triaged', 'In Progress',
                                  'Incomplete (with response)', 'Incomplete (without response)')
           END AS is_open,
           CASE WHEN b.source = 'github'
                THEN b.status = 'closed' AND coalesce(b.state_reason, 'completed') = 'completed'
                ELSE b.status IN ('Fix Committed', 'Fix Released')
           END AS is_fixed
    FROM bugs b
)
SELECT
    b.source,
    CASE WHEN b.is_private
         THEN 'private-' || CAST(dense_rank() OVER (PARTITION BY b.is_private
                                                    ORDER BY b.source, coalesce(b.bug_id, b.bug_key)) AS VARCHAR)
         ELSE b.source || ':' || coalesce(b.bug_id, b.bug_key) END          AS bug_ref,
    coalesce(b.project, r.project)                                          AS project,
    b.repo,
    coalesce(p.team, 'Unassigned')                                          AS team,
    b.status,
    coalesce(nullif(b.importance, ''), 'Undecided')                         AS importance,
    b.created,
    coalesce(b.left_new, b.triaged, b.confirmed)                            AS triaged_at,
    CASE WHEN b.is_fixed THEN coalesce(b.fix_committed, b.fix_released, b.closed) END AS fixed_at,
    CASE WHEN NOT b.is_open
         THEN coalesce(b.fix_committed, b.fix_released, b.closed, b.updated) END       AS resolved_at,
    b.is_open,
    b.is_fixed,
    b.is_security,
    b.is_private,
    b.duplicate_of IS NOT NULL                                              AS is_duplicate,
    b.reporter_identity,
    b.assignee_identity,
    b.bug_id,
    b.title,
    b.web_link
FROM b
LEFT JOIN repos r ON r.name = b.repo
LEFT JOIN projects p ON p.name = coalesce(b.project, r.project);

-- Aggregate-safe: every bug, private included, without title, link or number.
CREATE VIEW bug_facts AS
SELECT * EXCLUDE (bug_id, title, web_link) FROM bug_base;

CREATE VIEW bug_lifecycle AS
SELECT * FROM bug_facts
WHERE NOT is_private
   OR coalesce((SELECT enabled FROM privacy_policy WHERE name = 'count_private_in_aggregates'), false);

-- The only view with titles, numbers and links: public bugs only.
CREATE VIEW public_bugs AS
SELECT * FROM bug_base WHERE NOT is_private;

-- The one filter every bug metric applies.  A repository filter keeps the
-- repository's issues and the bugs of its project (trackers like Launchpad
-- file bugs against projects, not repositories).
CREATE MACRO bugs_in(f_teams, f_projects, f_repos) AS TABLE
SELECT * FROM bug_lifecycle
WHERE (f_teams IS NULL OR list_contains(f_teams, team))
  AND (f_projects IS NULL OR list_contains(f_projects, project))
  AND (f_repos IS NULL OR list_contains(f_repos, repo)
       OR (repo IS NULL AND project IN (SELECT project FROM repos WHERE list_contains(f_repos, name))));

CREATE MACRO public_bugs_in(f_teams, f_projects, f_repos) AS TABLE
SELECT * FROM public_bugs
WHERE (f_teams IS NULL OR list_contains(f_teams, team))
  AND (f_projects IS NULL OR list_contains(f_projects, project))
  AND (f_repos IS NULL OR list_contains(f_repos, repo)
       OR (repo IS NULL AND project IN (SELECT project FROM repos WHERE list_contains(f_repos, name))));

-- Contributions from bugs: filed (reporter at creation) and fixed (assignee at
-- the fix), one event per bug, from the aggregate-safe view so private bugs
-- count only where the policy allows and never carry their number.
CREATE OR REPLACE VIEW bug_events AS
SELECT 'bug_filed' AS kind, source, bug_ref AS item_key, repo, project,
       reporter_identity AS identity_id, created AS ts
FROM bug_lifecycle
WHERE reporter_identity IS NOT NULL AND created IS NOT NULL AND NOT is_duplicate
QUALIFY row_number() OVER (PARTITION BY bug_ref ORDER BY created, project) = 1
UNION ALL
SELECT 'bug_fixed', source, bug_ref, repo, project, assignee_identity, fixed_at
FROM bug_lifecycle
WHERE assignee_identity IS NOT NULL AND fixed_at IS NOT NULL AND NOT is_duplicate
QUALIFY row_number() OVER (PARTITION BY bug_ref ORDER BY fixed_at, project) = 1;

-- Advisories per project: an affected product names a project, or a repository
-- (then its project); an unknown product stands for itself (team 'Unassigned').
CREATE VIEW advisory_projects AS
SELECT DISTINCT a.advisory_id, a.published,
       coalesce(p.name, r.project, u.product)       AS project,
       coalesce(p.team, rp.team, 'Unassigned')      AS team
FROM advisories a, unnest(a.projects) AS u(product)
LEFT JOIN projects p ON lower(p.name) = u.product
LEFT JOIN repos r ON p.name IS NULL AND lower(r.name) = u.product
LEFT JOIN projects rp ON rp.name = r.project;

-- When each advisory's issue was first reported: the earliest creation of its
-- linked Launchpad bugs that aggregates may use (privacy policy applies; no
-- bug number leaves this view).
CREATE VIEW advisory_reports AS
SELECT a.advisory_id, a.published, min(b.created) AS reported_at, count(DISTINCT b.bug_id) AS linked_bugs
FROM advisories a, unnest(a.bug_keys) AS k(bug_id)
JOIN bugs b ON b.source = 'launchpad' AND b.bug_id = k.bug_id
WHERE NOT b.is_private
   OR coalesce((SELECT enabled FROM privacy_policy WHERE name = 'count_private_in_aggregates'), false)
GROUP BY a.advisory_id, a.published;

-- Advisory-project rows matching the global filters (a repository filter keeps
-- its project's advisories).
CREATE MACRO advisories_in(f_teams, f_projects, f_repos) AS TABLE
SELECT * FROM advisory_projects
WHERE (f_teams IS NULL OR list_contains(f_teams, team))
  AND (f_projects IS NULL OR list_contains(f_projects, project))
  AND (f_repos IS NULL OR project IN (SELECT project FROM repos WHERE list_contains(f_repos, name)));
