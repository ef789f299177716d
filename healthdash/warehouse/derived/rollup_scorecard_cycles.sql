-- Rebuilt at the end of every write session, after contribution_facts, change_facts, bug_tasks
-- and review_coverage_commits (name order; see schema/0037_scorecard_cycles.sql): the
-- scorecard's grouped inputs for every release cycle, without and with bots (only the
-- concentration counts bots; the others are the same rows twice).  The periods as the
-- grouped queries take them: each cycle's name, start, end and as-of instant (midnight UTC
-- after its end day, healthdash.metrics.window.as_of), and their union.
SET VARIABLE scorecard_p_names = (SELECT list(name ORDER BY start_at, name) FROM release_cycles);
SET VARIABLE scorecard_p_starts = (SELECT list(start_at ORDER BY start_at, name) FROM release_cycles);
SET VARIABLE scorecard_p_ends = (SELECT list(end_at ORDER BY start_at, name) FROM release_cycles);
SET VARIABLE scorecard_p_as_of = (SELECT list(timezone('UTC', CAST(end_at + INTERVAL 1 DAY AS TIMESTAMP))
                                              ORDER BY start_at, name) FROM release_cycles);
SET VARIABLE scorecard_span_start = (SELECT min(start_at) FROM release_cycles);
SET VARIABLE scorecard_span_end = (SELECT max(end_at) FROM release_cycles);

CREATE OR REPLACE TABLE security_summary_by_team_cycles AS
SELECT b.with_bots, s.* FROM security_summary_by_team_in(
    getvariable('scorecard_p_names'),
    getvariable('scorecard_p_starts'),
    getvariable('scorecard_p_as_of')) s
CROSS JOIN (VALUES (false), (true)) b(with_bots)
ORDER BY ALL;

CREATE OR REPLACE TABLE review_coverage_by_team_cycles AS
SELECT b.with_bots, s.* FROM review_coverage_by_team_in(
    getvariable('scorecard_p_names'),
    getvariable('scorecard_p_starts'),
    getvariable('scorecard_p_ends'),
    getvariable('scorecard_span_start'),
    getvariable('scorecard_span_end')) s
CROSS JOIN (VALUES (false), (true)) b(with_bots)
ORDER BY ALL;

CREATE OR REPLACE TABLE review_time_to_first_review_by_team_cycles AS
SELECT b.with_bots, s.* FROM review_time_to_first_review_by_team_in(
    getvariable('scorecard_p_names'),
    getvariable('scorecard_p_starts'),
    getvariable('scorecard_p_ends'),
    getvariable('scorecard_span_start'),
    getvariable('scorecard_span_end')) s
CROSS JOIN (VALUES (false), (true)) b(with_bots)
ORDER BY ALL;

CREATE OR REPLACE TABLE quality_coverage_summary_by_team_cycles AS
SELECT b.with_bots, s.* FROM quality_coverage_summary_by_team_in(
    getvariable('scorecard_p_names'),
    getvariable('scorecard_p_ends'),
    getvariable('scorecard_span_end')) s
CROSS JOIN (VALUES (false), (true)) b(with_bots)
ORDER BY ALL;

CREATE OR REPLACE TABLE bugs_flow_by_team_cycles AS
SELECT b.with_bots, s.* FROM bugs_flow_by_team_in(
    getvariable('scorecard_p_names'),
    getvariable('scorecard_p_starts'),
    getvariable('scorecard_p_as_of'),
    true) s
CROSS JOIN (VALUES (false), (true)) b(with_bots)
ORDER BY ALL;

CREATE OR REPLACE TABLE neutrality_concentration_by_team_cycles AS
SELECT false AS with_bots, * FROM neutrality_concentration_by_team_in(
    getvariable('scorecard_p_names'),
    getvariable('scorecard_p_starts'),
    getvariable('scorecard_p_ends'),
    getvariable('scorecard_span_start'),
    getvariable('scorecard_span_end'),
    false)
UNION ALL
SELECT true AS with_bots, * FROM neutrality_concentration_by_team_in(
    getvariable('scorecard_p_names'),
    getvariable('scorecard_p_starts'),
    getvariable('scorecard_p_ends'),
    getvariable('scorecard_span_start'),
    getvariable('scorecard_span_end'),
    true)
ORDER BY ALL;
