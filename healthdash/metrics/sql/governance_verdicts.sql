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
-- The per-metric inputs (windows, active core reviewers, top two organisations) come from
-- governance_inputs (schema/0026_governance_inputs.sql, 0030, 0032), precomputed for the default view.
WITH cfg AS (SELECT * FROM governance_settings()),
per_metric AS (   -- per as-of day, team and metric: total and top two (schema/0026_governance_inputs.sql)
    SELECT as_of, team, metric, ord, unit, unit_one, total, c1, c2, top_org, second_org
    FROM governance_tops
    WHERE coalesce($f_rollups::BOOLEAN, true)   -- the default view: precomputed at every write
      AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL AND $f_repos::VARCHAR[] IS NULL
      AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL
      AND with_bots = coalesce($f_bots::BOOLEAN, false)
      AND ($mode = 'history'
           OR as_of = (SELECT max(as_of) FROM governance_tops WHERE with_bots = coalesce($f_bots::BOOLEAN, false)))
    UNION ALL
    SELECT as_of, team, metric, ord, unit, unit_one, total, c1, c2, top_org, second_org
    FROM governance_inputs($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[], $f_start::DATE,
                           $f_end::DATE, $f_bots::BOOLEAN, $mode, $f_rollups::BOOLEAN)
    WHERE NOT (coalesce($f_rollups::BOOLEAN, true)
               AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL AND $f_repos::VARCHAR[] IS NULL
               AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL)
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
team_level AS (   -- per as-of day and team: one group, not a window per row (issue 11)
    SELECT as_of, team,
           bool_or(single)                                                AS team_single,
           bool_and(diverse_ok OR NOT evaluable) AND bool_or(evaluable)   AS team_diverse,
           bool_or(evaluable)                                             AS team_evaluable,
           string_agg(CASE WHEN single THEN k_lose_single || ' ' || (CASE WHEN k_lose_single = 1 THEN unit_one ELSE unit END) END, ' and ' ORDER BY ord)
                                                                          AS lose_single_text,
           arg_min(k_lose_diverse || ' ' || (CASE WHEN k_lose_diverse = 1 THEN unit_one ELSE unit END), k_lose_diverse / total + ord * 1e-9) FILTER (WHERE evaluable)
                                                                          AS lose_diverse_text,
           string_agg(CASE WHEN evaluable AND NOT diverse_ok THEN k_gain_diverse || ' ' || (CASE WHEN k_gain_diverse = 1 THEN unit_one ELSE unit END) END, ' and ' ORDER BY ord)
                                                                          AS gain_diverse_text,
           arg_min(k_gain_single || ' ' || (CASE WHEN k_gain_single = 1 THEN unit_one ELSE unit END), k_gain_single / total + ord * 1e-9) FILTER (WHERE evaluable)
                                                                          AS gain_single_text,
           string_agg(CASE WHEN NOT evaluable THEN unit END, ', ' ORDER BY ord) AS not_evaluable
    FROM margins
    GROUP BY as_of, team
)
SELECT m.as_of, m.team, m.metric, m.unit, m.total, m.top_org, m.c1 AS top_count, m.top1_share,
       m.second_org, m.c2 AS second_count, m.top2_share, m.evaluable, m.diverse_ok, m.single,
       CASE WHEN NOT m.evaluable THEN NULL
            WHEN m.single THEN m.k_lose_single
            WHEN m.diverse_ok THEN m.k_lose_diverse
            ELSE m.k_gain_diverse END                                     AS margin,
       CASE WHEN NOT t.team_evaluable THEN 'no data'
            WHEN t.team_single THEN 'single vendor'
            WHEN t.team_diverse THEN 'diverse affiliation'
            ELSE 'neither' END                                            AS verdict,
       CASE WHEN NOT t.team_evaluable THEN NULL
            WHEN t.team_single THEN t.lose_single_text || ' from leaving single vendor'
            WHEN t.team_diverse THEN t.lose_diverse_text || ' from losing diverse affiliation'
            ELSE t.gain_diverse_text || ' from other organisations to reach diverse affiliation; '
                 || t.gain_single_text || ' from the top organisation to single vendor'
       END                                                                AS margin_text,
       t.not_evaluable,
       m.window_days
FROM margins m
JOIN team_level t USING (as_of, team)
ORDER BY m.team, m.as_of, m.ord;
