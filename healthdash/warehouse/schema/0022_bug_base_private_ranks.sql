-- Private bugs ranked among themselves only (issue 11).  ``bug_base`` gave each
-- private bug an opaque ``private-<n>`` with ``dense_rank() OVER (PARTITION BY
-- is_private ...)``: a window over EVERY bug, so each bug query sorted and
-- materialised all 200,000 rows (350 ms of the Security summary's 440 ms at full
-- scale) before any team or date filter could apply.  Now only the private bugs are
-- ranked (same order, so the same numbers) and joined back; filters reach the scan.
-- The view's rows are identical (checked with EXCEPT ALL both ways at full scale).
CREATE OR REPLACE VIEW bug_base AS
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
),
private_ranks AS (  -- the opaque rank of each private bug: ranked among private bugs only
    SELECT source, bug_key,
           dense_rank() OVER (ORDER BY source, coalesce(bug_id, bug_key)) AS rank
    FROM bugs WHERE is_private
)
SELECT
    b.source,
    CASE WHEN b.is_private
         THEN 'private-' || CAST(pr.rank AS VARCHAR)
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
LEFT JOIN private_ranks pr ON b.is_private AND pr.source = b.source AND pr.bug_key = b.bug_key
LEFT JOIN repos r ON r.name = b.repo
LEFT JOIN projects p ON p.name = coalesce(b.project, r.project);
