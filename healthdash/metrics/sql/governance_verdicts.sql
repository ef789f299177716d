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
-- The query is the macro governance_verdicts_in (schema/0034_governance_verdicts.sql) over
-- governance_inputs (0026, 0030, 0032: windows, active core reviewers, top two organisations),
-- precomputed for the default view.
WITH v AS (
    SELECT * EXCLUDE (with_bots) FROM governance_verdicts
    WHERE coalesce($f_rollups::BOOLEAN, true)
      AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL AND $f_repos::VARCHAR[] IS NULL
      AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL
      AND with_bots = coalesce($f_bots::BOOLEAN, false)
      AND ($mode = 'history'
           OR as_of = (SELECT max(as_of) FROM governance_verdicts WHERE with_bots = coalesce($f_bots::BOOLEAN, false)))
    UNION ALL
    SELECT * FROM governance_verdicts_in($f_teams::VARCHAR[], $f_projects::VARCHAR[], $f_repos::VARCHAR[],
                                         $f_start::DATE, $f_end::DATE, $f_bots::BOOLEAN, $mode, $f_rollups::BOOLEAN)
    WHERE NOT (coalesce($f_rollups::BOOLEAN, true)
      AND $f_teams::VARCHAR[] IS NULL AND $f_projects::VARCHAR[] IS NULL AND $f_repos::VARCHAR[] IS NULL
      AND $f_start::DATE IS NULL AND $f_end::DATE IS NULL)
)
SELECT * EXCLUDE (ord) FROM v
ORDER BY team, as_of, ord;
