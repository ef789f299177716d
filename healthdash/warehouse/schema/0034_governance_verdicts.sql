-- The governance verdicts themselves precomputed for the default view (issue 11: the
-- history's verdicts, margins and texts over 9,000 rows cost ~60 ms per call at full
-- scale).  governance_verdicts_in is the query of sql/governance_verdicts.sql (which
-- documents the criteria), with each metric's position (ord) to order by; its rows for the
-- default view -- no team, project, repo or date filter, mode 'history' (whose last as-of
-- day is the 'current' one), without and with bots -- are materialised in
-- governance_verdicts at the end of every write (derived/rollup_governance_verdicts.sql),
-- replacing governance_tops (0026), which only held the inputs.
DROP TABLE governance_tops;

CREATE OR REPLACE MACRO governance_verdicts_in(f_teams, f_projects, f_repos, f_start, f_end, f_bots, f_mode, f_rollups) AS TABLE
WITH cfg AS (SELECT * FROM governance_settings()),
per_metric AS (   -- per as-of day, team and metric: total and top two (governance_inputs)
    SELECT as_of, team, metric, ord, unit, unit_one, total, c1, c2, top_org, second_org
    FROM governance_inputs(f_teams, f_projects, f_repos, f_start, f_end, f_bots, f_mode, f_rollups)
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
       m.window_days,
       m.ord
FROM margins m
JOIN team_level t USING (as_of, team);

CREATE TABLE governance_verdicts (
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
