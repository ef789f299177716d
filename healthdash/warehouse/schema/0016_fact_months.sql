-- Each contribution's UTC day and month, computed once when contribution_facts is
-- rebuilt (derived/contribution_facts.sql) instead of in every query: truncating a
-- TIMESTAMPTZ goes through the ICU calendar, ~1 us per row, so a monthly chart over
-- 2.4M contributions spent ~2 s in date_trunc alone and ~0.3 s in everything else
-- (issue 11, benchmarks/bench_charts.py).  Metrics group by ``month`` / ``day``.
ALTER TABLE contribution_facts ADD COLUMN month DATE;
ALTER TABLE contribution_facts ADD COLUMN day DATE;
