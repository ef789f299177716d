-- The community's historic affiliation criteria per team, over a rolling
-- window ending at each as-of day (window (as_of - window_days, as_of]).
-- $mode = 'current': one as-of day = the filter's end, else the last day with
-- data; 'history': every month end of the filter's dates, else of the last
-- three years of data (bounded work on long histories).
--
-- Four metrics per team (governance tags, gov@4d56bade^):
--   commits         non-merge commits
--   reviews         Code-Review votes on others' changes
--   core_reviews    reviews by active core reviewers
--   core_reviewers  active core reviewers (people)
-- A core reviewer gave a +2 in the window; active = >= min_reviews reviews or
-- >= floor(min_commit_share * team commits) reviews (tools/teamstats.py).
-- Each independent person is their own organisation (org_unit).
-- diverse affiliation: on every metric top-1 <= top1_max and top-2 <= top2_max;
-- single vendor: top-1 >= single_min on any metric.
-- margin: the fewest contributions that would change the metric's state
-- (leaders adding work to lose it, others adding work to reach it); the team's
-- margin text names the criterion nearest to flipping relative to its volume.
-- Thresholds come from attribution_settings (config [governance]) else defaults.
WITH cfg AS (
    SELECT
        coalesce(max(value) FILTER (WHERE key = 'governance.window_days'), '180')::INTEGER           AS window_days,
        coalesce(max(value) FILTER (WHERE key = 'governance.diverse_top1_max'), '0.5')::DOUBLE        AS top1_max,
        coalesce(max(value) FILTER (WHERE key = 'governance.diverse_top2_max'), '0.8')::DOUBLE        AS top2_max,
        coalesce(max(value) FILTER (WHERE key = 'governance.single_vendor_min'), '0.9')::DOUBLE       AS single_min,
        coalesce(max(value) FILTER (WHERE key = 'governance.active_core_min_reviews'), '30')::INTEGER AS min_reviews,
        coalesce(max(value) FILTER (WHERE key = 'governance.active_core_min_commit_share'), '0.02')::DOUBLE AS min_share
    FROM attribution_settings
),
base AS (
    SELECT team, kind, person_id, org_unit, day
    FROM contributions_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                          NULL::DATE, NULL::DATE, NULL::VARCHAR[], NULL::VARCHAR[], $f_bots::BOOLEAN)
    WHERE kind IN ('commit', 'review', 'core_review')
),
bounds AS (
    SELECT coalesce($f_start::DATE, greatest(min(day), coalesce($f_end::DATE, max(day)) - INTERVAL 1095 DAY)::DATE)
             AS first_day,
           coalesce($f_end::DATE, max(day)) AS last_day
    FROM base
),
dates AS (
    SELECT last_day AS as_of FROM bounds WHERE $mode = 'current' AND last_day IS NOT NULL
    UNION
    SELECT least(CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE), b.last_day)
    FROM bounds b,
         generate_series(date_trunc('month', b.first_day), date_trunc('month', b.last_day), INTERVAL 1 MONTH) g(m)
    WHERE $mode = 'history' AND b.first_day IS NOT NULL
),
win AS (
    SELECT d.as_of, b.* FROM dates d CROSS JOIN cfg
    JOIN base b ON b.day > d.as_of - cfg.window_days AND b.day <= d.as_of
),
team_commits AS (
    SELECT as_of, team, count(*) FILTER (WHERE kind = 'commit') AS commits FROM win GROUP BY as_of, team
),
reviewers AS (
    SELECT as_of, team, person_id, count(*) AS reviews, bool_or(kind = 'core_review') AS is_core,
           arg_max(org_unit, day) AS org_unit
    FROM win WHERE kind IN ('review', 'core_review') GROUP BY as_of, team, person_id
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
),
states AS (
    SELECT p.*, cfg.*,
           p.total > 0                                     AS evaluable,
           p.c1 / nullif(p.total, 0)                       AS top1_share,
           (p.c1 + p.c2) / nullif(p.total, 0)              AS top2_share
    FROM per_metric p CROSS JOIN cfg
),
margins AS (
    SELECT *,
           evaluable AND top1_share <= top1_max + 1e-12 AND top2_share <= top2_max + 1e-12 AS diverse_ok,
           evaluable AND top1_share >= single_min - 1e-12                                  AS single,
           -- leaders add k: smallest k with (c + k) / (T + k) > t  =>  k > (tT - c) / (1 - t)
           CAST(least(floor(round((top1_max * total - c1) / (1 - top1_max), 9)) + 1,
                      floor(round((top2_max * total - c1 - c2) / (1 - top2_max), 9)) + 1) AS BIGINT) AS k_lose_diverse,
           -- others add k: smallest k with c / (T + k) <= t  =>  k >= c / t - T
           CAST(greatest(ceil(round(c1 / top1_max - total, 9)),
                         ceil(round((c1 + c2) / top2_max - total, 9)), 0) AS BIGINT)      AS k_gain_diverse,
           CAST(greatest(ceil(round((single_min * total - c1) / (1 - single_min), 9)), 0) AS BIGINT) AS k_gain_single,
           CAST(floor(round(c1 / single_min - total, 9)) + 1 AS BIGINT)                   AS k_lose_single
    FROM states
),
team_level AS (
    SELECT *,
           bool_or(single) OVER w                                         AS team_single,
           bool_and(diverse_ok OR NOT evaluable) OVER w
             AND bool_or(evaluable) OVER w                                AS team_diverse,
           bool_or(evaluable) OVER w                                      AS team_evaluable
    FROM margins
    WINDOW w AS (PARTITION BY as_of, team)
)
SELECT as_of, team, metric, unit, total, top_org, c1 AS top_count, top1_share,
       second_org, c2 AS second_count, top2_share, evaluable, diverse_ok, single,
       CASE WHEN NOT evaluable THEN NULL
            WHEN single THEN k_lose_single
            WHEN diverse_ok THEN k_lose_diverse
            ELSE k_gain_diverse END                                       AS margin,
       CASE WHEN NOT team_evaluable THEN 'no data'
            WHEN team_single THEN 'single vendor'
            WHEN team_diverse THEN 'diverse affiliation'
            ELSE 'neither' END                                            AS verdict,
       CASE WHEN NOT team_evaluable THEN NULL
            WHEN team_single THEN string_agg(CASE WHEN single THEN k_lose_single || ' ' || (CASE WHEN k_lose_single = 1 THEN unit_one ELSE unit END) END, ' and ' ORDER BY ord) OVER w
                                  || ' from leaving single vendor'
            WHEN team_diverse THEN
                 (arg_min(k_lose_diverse || ' ' || (CASE WHEN k_lose_diverse = 1 THEN unit_one ELSE unit END), k_lose_diverse / total + ord * 1e-9) FILTER (WHERE evaluable) OVER w)
                 || ' from losing diverse affiliation'
            ELSE string_agg(CASE WHEN evaluable AND NOT diverse_ok THEN k_gain_diverse || ' ' || (CASE WHEN k_gain_diverse = 1 THEN unit_one ELSE unit END) END, ' and ' ORDER BY ord) OVER w
                 || ' from other organisations to reach diverse affiliation; '
                 || (arg_min(k_gain_single || ' ' || (CASE WHEN k_gain_single = 1 THEN unit_one ELSE unit END), k_gain_single / total + ord * 1e-9) FILTER (WHERE evaluable) OVER w)
                 || ' from the top organisation to single vendor'
       END                                                                AS margin_text,
       string_agg(CASE WHEN NOT evaluable THEN unit END, ', ' ORDER BY ord) OVER w AS not_evaluable,
       window_days
FROM team_level
WINDOW w AS (PARTITION BY as_of, team ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
ORDER BY team, as_of, ord;
