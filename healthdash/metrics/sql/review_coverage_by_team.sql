-- review_coverage.sql's commits and reviewed commits over a whole period, for the
-- scorecard: per period ($p_names / $p_starts / $p_ends, zipped) and per team,
-- plus the community (is_community, team NULL), in one pass.  Same rows
-- (review_coverage_commits), same day bounds (start inclusive, end day inclusive).
-- tests/test_scorecard_grouped.py checks it against reviews.review_coverage_overall.
-- The query is the macro review_coverage_by_team_in (schema/0037_scorecard_cycles.sql), materialised for every
-- release cycle in scorecard_cycles_* at every write (derived/rollup_scorecard_cycles.sql).
SELECT * FROM review_coverage_by_team_in($p_names::VARCHAR[], $p_starts::DATE[], $p_ends::DATE[], $span_start::DATE, $span_end::DATE)
