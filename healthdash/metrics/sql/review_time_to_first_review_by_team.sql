-- review_time_to_first_review.sql's whole-window row (changes, reviewed, median
-- hours to the first response), for the scorecard: per period ($p_names /
-- $p_starts / $p_ends, zipped) and per team, plus the community (is_community,
-- team NULL), in one pass.  Same rows (review_changes_in), same creation-day
-- bounds.  tests/test_scorecard_grouped.py checks it against
-- reviews.time_to_first_review_overall.
-- The query is the macro review_time_to_first_review_by_team_in (schema/0037_scorecard_cycles.sql), materialised for every
-- release cycle in scorecard_cycles_* at every write (derived/rollup_scorecard_cycles.sql).
SELECT * FROM review_time_to_first_review_by_team_in($p_names::VARCHAR[], $p_starts::DATE[], $p_ends::DATE[], $span_start::DATE, $span_end::DATE)
