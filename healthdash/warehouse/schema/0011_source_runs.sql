-- Rows written by a source's last run, beside the cumulative ``rows_loaded``
-- (which counts every upsert ever made, so it grows with each full re-scan and
-- reads as duplication): ``healthdash status`` and the Data page show this one
-- next to each table's true current row count.
ALTER TABLE sources ADD COLUMN last_run_rows BIGINT;
