-- The Participation page's per-team governance tables precomputed for the default view
-- (issue 11: ~1 s each at full scale, every contribution grouped per call).  Each metric's
-- query is one macro here (the definition, documented below), read directly when a filter
-- needs it and materialised at the end of every write for the default view -- no project,
-- repository, date, organisation or kind filter, with and without bots -- where a team
-- filter only picks rows, since every number is per team.

-- Neutrality by team (sql/neutrality_team_table.sql; derived/rollup_team_neutrality.sql):
-- One row per team with the neutrality metrics over the filtered
-- contributions: people, organisations (independents one per person),
-- elephant factor, top-1 / top-2 share, HHI, effective organisations, pony
-- factor and independents' share.
CREATE OR REPLACE MACRO team_neutrality_in(f_teams, f_projects, f_repos, f_start, f_end, f_orgs, f_kinds, f_bots) AS TABLE
WITH c AS (
    SELECT team, org_unit, person_id, is_independent
    FROM contributions_in(f_teams, f_projects, f_repos,
                          f_start, f_end, f_orgs, f_kinds,
                          f_bots)
),
orgs AS (
    SELECT team, org_unit, n, share,
           sum(share) OVER (PARTITION BY team ORDER BY n DESC, org_unit ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative,
           row_number() OVER (PARTITION BY team ORDER BY n DESC, org_unit) AS rnk
    FROM (SELECT team, org_unit, count(*) AS n, count(*) / sum(count(*)) OVER (PARTITION BY team) AS share
          FROM c GROUP BY team, org_unit)
),
org_stats AS (
    SELECT team,
           CAST(count(*) AS BIGINT)                                                 AS organisations,
           CAST(count(*) FILTER (WHERE cumulative - share < 0.5 - 1e-12) AS BIGINT) AS elephant_factor,
           max(share) FILTER (WHERE rnk = 1)                                        AS top1_share,
           sum(share) FILTER (WHERE rnk <= 2)                                       AS top2_share,
           any_value(org_unit) FILTER (WHERE rnk = 1)                               AS top_org,
           sum(share * share)                                                       AS hhi,
           1 / sum(share * share)                                                   AS effective_orgs
    FROM orgs GROUP BY team
),
people AS (
    SELECT team, share,
           sum(share) OVER (PARTITION BY team ORDER BY n DESC, person_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative
    FROM (SELECT team, person_id, count(*) AS n, count(*) / sum(count(*)) OVER (PARTITION BY team) AS share
          FROM c GROUP BY team, person_id)
),
people_stats AS (
    SELECT team, CAST(count(*) AS BIGINT) AS people,
           CAST(count(*) FILTER (WHERE cumulative - share < 0.5 - 1e-12) AS BIGINT) AS pony_factor
    FROM people GROUP BY team
),
totals AS (
    SELECT team, CAST(count(*) AS BIGINT) AS contributions,
           count(*) FILTER (WHERE is_independent) / count(*) AS independent_share
    FROM c GROUP BY team
)
SELECT t.team, t.contributions, p.people, o.organisations, o.elephant_factor, o.top_org,
       o.top1_share, o.top2_share, o.hhi, o.effective_orgs, p.pony_factor, t.independent_share
FROM totals t JOIN org_stats o USING (team) JOIN people_stats p USING (team);

CREATE TABLE team_neutrality (
    with_bots          BOOLEAN,
    team               VARCHAR,
    contributions      BIGINT,
    people             BIGINT,
    organisations      BIGINT,
    elephant_factor    BIGINT,
    top_org            VARCHAR,
    top1_share         DOUBLE,
    top2_share         DOUBLE,
    hhi                DOUBLE,
    effective_orgs     DOUBLE,
    pony_factor        BIGINT,
    independent_share  DOUBLE
);

-- Team dependence (sql/neutrality_team_dependence.sql; derived/rollup_team_dependence.sql),
-- with each cycle's position (cycle_idx) to order by; the rollup keeps ranks up to 10.
-- The organisations each team depends on most, per release cycle, and how
-- that changed: for every (team, cycle) the $top_n organisations by share of
-- the team's contributions in the cycle (independents are people, not an
-- organisation to depend on, so they are not ranked but count in the total),
-- with the same organisation's share in the previous cycle.
CREATE OR REPLACE MACRO team_dependence_in(f_teams, f_projects, f_repos, f_start, f_end, f_orgs, f_kinds, f_bots, f_top_n) AS TABLE
WITH c AS (
    SELECT team, org, is_independent, day
    FROM contributions_in(f_teams, f_projects, f_repos,
                          f_start, f_end, f_orgs, f_kinds,
                          f_bots)
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
SELECT r.team, r.cycle, r.idx AS cycle_idx, CAST(r.rank AS BIGINT) AS rank, r.org,
       CAST(r.n AS BIGINT) AS contributions, r.share,
       coalesce(p.share, 0) AS previous_share,
       r.share - coalesce(p.share, 0) AS change
FROM ranked r
LEFT JOIN shares p ON p.team = r.team AND p.org = r.org AND p.idx = r.idx - 1
WHERE r.rank <= f_top_n;

CREATE TABLE team_dependence (
    with_bots       BOOLEAN,
    team            VARCHAR,
    cycle           VARCHAR,
    cycle_idx       BIGINT,
    rank            BIGINT,
    org             VARCHAR,
    contributions   BIGINT,
    share           DOUBLE,
    previous_share  DOUBLE,
    change          DOUBLE
);

-- governance_inputs (0026) again, reading less: the bounds read only the day column and the
-- windows only the days they cover (a range the scan prunes), instead of every column of the
-- whole history -- the same rows in, the same inputs out (~150 -> ~40 ms for one team's year).
CREATE OR REPLACE MACRO governance_inputs(f_teams, f_projects, f_repos, f_start, f_end, f_bots, f_mode) AS TABLE
WITH cfg AS (SELECT * FROM governance_settings()),
base AS (   -- the days only: the bounds read one narrow column
    SELECT day
    FROM contributions_in(f_teams, f_projects, f_repos,
                          NULL::DATE, NULL::DATE, NULL::VARCHAR[], NULL::VARCHAR[], f_bots)
    WHERE kind IN ('commit', 'review', 'core_review')
),
bounds AS (
    SELECT coalesce(f_start, greatest(min(day), coalesce(f_end, max(day)) - INTERVAL 1095 DAY)::DATE)
             AS first_day,
           coalesce(f_end, max(day)) AS last_day
    FROM base
),
dates AS (
    SELECT last_day AS as_of FROM bounds WHERE f_mode = 'current' AND last_day IS NOT NULL
    UNION
    SELECT least(CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE), b.last_day)
    FROM bounds b,
         generate_series(date_trunc('month', b.first_day), date_trunc('month', b.last_day), INTERVAL 1 MONTH) g(m)
    WHERE f_mode = 'history' AND b.first_day IS NOT NULL
),
span AS (   -- the days some window covers: (first as-of - window, last as-of]
    SELECT CAST(min(d.as_of) - max(cfg.window_days) AS DATE) AS after, max(d.as_of) AS upto
    FROM dates d CROSS JOIN cfg
),
needed AS (   -- their rows only (a day range the scan prunes), not the whole history
    SELECT team, kind, person_id, org_unit, day
    FROM contributions_in(f_teams, f_projects, f_repos,
                          NULL::DATE, NULL::DATE, NULL::VARCHAR[], NULL::VARCHAR[], f_bots)
    WHERE kind IN ('commit', 'review', 'core_review')
      AND day > (SELECT after FROM span) AND day <= (SELECT upto FROM span)
),
win AS (
    SELECT d.as_of, b.* FROM dates d CROSS JOIN cfg
    JOIN needed b ON b.day > d.as_of - cfg.window_days AND b.day <= d.as_of
),
team_commits AS (
    SELECT as_of, team, count(*) FILTER (WHERE kind = 'commit') AS commits FROM win GROUP BY as_of, team
),
reviewers AS (
    SELECT as_of, team, person_id, count(*) AS reviews, bool_or(kind = 'core_review') AS is_core,
           arg_max(org_unit, day) AS org_unit
    FROM win
    WHERE kind IN ('review', 'core_review')   -- only people with a +2 somewhere can be core in a window
      AND (team, person_id) IN (SELECT (team, person_id) FROM needed WHERE kind = 'core_review')
    GROUP BY as_of, team, person_id
),
active AS (
    SELECT r.* FROM reviewers r JOIN team_commits t USING (as_of, team) CROSS JOIN cfg
    WHERE r.is_core AND (r.reviews >= cfg.min_reviews OR r.reviews >= floor(cfg.min_share * t.commits))
),
units AS (
    SELECT as_of, team, 'commits' AS metric, org_unit, count(*) AS n FROM win WHERE kind = 'commit' GROUP BY ALL
    UNION ALL
    SELECT as_of, team, 'reviews', org_unit, count(*) FROM win WHERE kind <> 'commit' GROUP BY ALL
    UNION ALL
    SELECT w.as_of, w.team, 'core_reviews', w.org_unit, count(*)
    FROM win w JOIN active a USING (as_of, team, person_id) WHERE w.kind <> 'commit' GROUP BY ALL
    UNION ALL
    SELECT as_of, team, 'core_reviewers', org_unit, count(*) FROM active GROUP BY ALL
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY as_of, team, metric ORDER BY n DESC, org_unit) AS rnk,
           sum(n) OVER (PARTITION BY as_of, team, metric) AS total
    FROM units
),
grid AS (
    SELECT t.as_of, t.team, m.metric, m.ord, m.unit, m.unit_one
    FROM team_commits t CROSS JOIN (VALUES ('commits', 1, 'commits', 'commit'), ('reviews', 2, 'reviews', 'review'),
        ('core_reviews', 3, 'reviews by active core reviewers', 'review by an active core reviewer'),
        ('core_reviewers', 4, 'active core reviewers', 'active core reviewer')) m(metric, ord, unit, unit_one)
),
per_metric AS (
    SELECT g.as_of, g.team, g.metric, g.ord, g.unit, g.unit_one,
           CAST(coalesce(max(r.total), 0) AS BIGINT)                  AS total,
           CAST(coalesce(max(r.n) FILTER (WHERE r.rnk = 1), 0) AS BIGINT) AS c1,
           CAST(coalesce(max(r.n) FILTER (WHERE r.rnk = 2), 0) AS BIGINT) AS c2,
           max(r.org_unit) FILTER (WHERE r.rnk = 1)                   AS top_org,
           max(r.org_unit) FILTER (WHERE r.rnk = 2)                   AS second_org
    FROM grid g LEFT JOIN ranked r USING (as_of, team, metric)
    GROUP BY g.as_of, g.team, g.metric, g.ord, g.unit, g.unit_one
)
SELECT as_of, team, metric, ord, unit, unit_one, total, c1, c2, top_org, second_org FROM per_metric;
