-- The governance verdicts at every release cycle's end precomputed too (issue 11: the
-- scorecard shows each team's verdict at the scored cycle's end, and the Governance view
-- filtered to a cycle asks for the same day; computed from the contributions that took
-- ~80 ms per call at full scale, while governance_verdicts (0034) holds only month ends and
-- the latest day).
--
-- governance_inputs (0026, 0030, 0032) gains a third mode, 'cycles': its as-of days are every
-- release cycle's end_at, each the same as mode 'current' with f_end = that day (the as-of
-- day is f_end itself; a window's rows do not depend on the other as-of days).  The rows of
-- governance_verdicts_in(NULL, NULL, NULL, NULL, NULL, bots, 'cycles', true) are materialised
-- in governance_cycle_verdicts at the end of every write
-- (derived/rollup_governance_verdicts_cycles.sql); healthdash.metrics.neutrality.governance
-- reads them (sql/governance_stored_verdicts.sql) when the filter's end is a cycle's end and no
-- project or repository filter applies (a team filter keeps its teams' rows: each team's
-- verdict rests on its own contributions).

CREATE OR REPLACE MACRO governance_inputs(f_teams, f_projects, f_repos, f_start, f_end, f_bots, f_mode, f_rollups) AS TABLE
WITH cfg AS (SELECT * FROM governance_settings()),
days AS (   -- each team's first and last day: precomputed per team and bot flag unless a
             -- project or repository filter (or f_rollups false) needs the contributions read
    SELECT first_day, last_day FROM governance_team_days
    WHERE coalesce(f_rollups, true) AND f_projects IS NULL AND f_repos IS NULL
      AND (f_teams IS NULL OR list_contains(f_teams, team)) AND (coalesce(f_bots, false) OR NOT is_bot)
    UNION ALL
    SELECT day, day
    FROM contributions_in(f_teams, f_projects, f_repos,
                          NULL::DATE, NULL::DATE, NULL::VARCHAR[], NULL::VARCHAR[], f_bots)
    WHERE kind IN ('commit', 'review', 'core_review')
      AND NOT (coalesce(f_rollups, true) AND f_projects IS NULL AND f_repos IS NULL)
),
bounds AS (
    SELECT coalesce(f_start, greatest(min(first_day), coalesce(f_end, max(last_day)) - INTERVAL 1095 DAY)::DATE)
             AS first_day,
           coalesce(f_end, max(last_day)) AS last_day
    FROM days
),
dates AS (
    SELECT last_day AS as_of FROM bounds WHERE f_mode = 'current' AND last_day IS NOT NULL
    UNION
    SELECT least(CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE), b.last_day)
    FROM bounds b,
         generate_series(date_trunc('month', b.first_day), date_trunc('month', b.last_day), INTERVAL 1 MONTH) g(m)
    WHERE f_mode = 'history' AND b.first_day IS NOT NULL
    UNION
    SELECT end_at FROM release_cycles WHERE f_mode = 'cycles'   -- every release cycle's end (0035)
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

CREATE TABLE governance_cycle_verdicts (
    with_bots      BOOLEAN,
    as_of          DATE,
    team           VARCHAR,
    metric         VARCHAR,
    unit           VARCHAR,
    total          BIGINT,
    top_org        VARCHAR,
    top_count      BIGINT,
    top1_share     DOUBLE,
    second_org     VARCHAR,
    second_count   BIGINT,
    top2_share     DOUBLE,
    evaluable      BOOLEAN,
    diverse_ok     BOOLEAN,
    single         BOOLEAN,
    margin         BIGINT,
    verdict        VARCHAR,
    margin_text    VARCHAR,
    not_evaluable  VARCHAR,
    window_days    INTEGER,
    ord            INTEGER
);
