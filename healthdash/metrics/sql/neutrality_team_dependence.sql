-- The organisations each team depends on most, per release cycle, and how
-- that changed: for every (team, cycle) the $top_n organisations by share of
-- the team's contributions in the cycle (independents are people, not an
-- organisation to depend on, so they are not ranked but count in the total),
-- with the same organisation's share in the previous cycle.
WITH c AS (
    SELECT team, org, is_independent, day
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          $f_start::DATE, $f_end::DATE, $f_orgs::VARCHAR[], $f_kinds::VARCHAR[],
                          $f_bots::BOOLEAN)
),
cycles AS (
    SELECT name AS cycle, start_at, end_at, row_number() OVER (ORDER BY start_at, name) AS idx
    FROM release_cycles
),
per_org AS (
    SELECT c.team, y.cycle, y.idx, c.org, bool_or(c.is_independent) AS independent, count(*) AS n
    FROM c JOIN cycles y ON c.day >= y.start_at AND c.day <= y.end_at
    GROUP BY c.team, y.cycle, y.idx, c.org
),
shares AS (
    SELECT *, n / sum(n) OVER (PARTITION BY team, idx) AS share FROM per_org
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY team, idx ORDER BY n DESC, org) AS rank
    FROM shares WHERE NOT independent
)
SELECT r.team, r.cycle, CAST(r.rank AS BIGINT) AS rank, r.org,
       CAST(r.n AS BIGINT) AS contributions, r.share,
       coalesce(p.share, 0) AS previous_share,
       r.share - coalesce(p.share, 0) AS change
FROM ranked r
LEFT JOIN shares p ON p.team = r.team AND p.org = r.org AND p.idx = r.idx - 1
WHERE r.rank <= $top_n
ORDER BY r.team, r.idx, r.rank;
