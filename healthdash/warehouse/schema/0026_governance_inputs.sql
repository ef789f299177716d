-- The governance verdicts' inputs precomputed (issue 11: the verdict history took 3.3 s at
-- full scale, every month end's 180-day window joined to 1.9M contributions per call).
--
-- governance_settings(): the thresholds and window from attribution_settings (config
-- [governance]), defaults otherwise: read by the inputs below and by sql/governance_verdicts.sql.
CREATE OR REPLACE MACRO governance_settings() AS TABLE
SELECT
    coalesce(max(value) FILTER (WHERE key = 'governance.window_days'), '180')::INTEGER           AS window_days,
    coalesce(max(value) FILTER (WHERE key = 'governance.diverse_top1_max'), '0.5')::DOUBLE        AS top1_max,
    coalesce(max(value) FILTER (WHERE key = 'governance.diverse_top2_max'), '0.8')::DOUBLE        AS top2_max,
    coalesce(max(value) FILTER (WHERE key = 'governance.single_vendor_min'), '0.9')::DOUBLE       AS single_min,
    coalesce(max(value) FILTER (WHERE key = 'governance.active_core_min_reviews'), '30')::INTEGER AS min_reviews,
    coalesce(max(value) FILTER (WHERE key = 'governance.active_core_min_commit_share'), '0.02')::DOUBLE AS min_share
FROM attribution_settings;

-- governance_inputs: per as-of day, team and metric, the total and the top two
-- organisations (org_unit: each independent person their own) with their counts -- every
-- input of the verdicts in sql/governance_verdicts.sql, which documents the criteria.
-- f_mode 'current': one as-of day = f_end, else the last day with data; 'history': every
-- month end of the filter's dates, else of the last three years of data.  Read directly when
-- a filter needs it and materialised for the default view (both modes, with and without
-- bots) in governance_tops at the end of every write (derived/rollup_governance_tops.sql).
CREATE OR REPLACE MACRO governance_inputs(f_teams, f_projects, f_repos, f_start, f_end, f_bots, f_mode) AS TABLE
WITH cfg AS (SELECT * FROM governance_settings()),
base AS (
    SELECT team, kind, person_id, org_unit, day
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
needed AS (   -- the days some window covers: the rest of the history is never joined
    SELECT b.* FROM base b CROSS JOIN cfg
    WHERE b.day > (SELECT min(as_of) FROM dates) - cfg.window_days AND b.day <= (SELECT max(as_of) FROM dates)
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

-- governance_inputs of the default view -- no team, project, repo or date filter, mode
-- 'history' (whose last as-of day is the 'current' one) -- without and with bots.
CREATE TABLE governance_tops (
    with_bots   BOOLEAN,
    as_of       DATE,
    team        VARCHAR,
    metric      VARCHAR,
    ord         INTEGER,
    unit        VARCHAR,
    unit_one    VARCHAR,
    total       BIGINT,
    c1          BIGINT,
    c2          BIGINT,
    top_org     VARCHAR,
    second_org  VARCHAR
);
