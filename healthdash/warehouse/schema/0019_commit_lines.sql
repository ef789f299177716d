-- Each commit's changed lines, test lines and whether it touches a feature matrix
-- (derived/rollup_commit_lines.sql, rebuilt at the end of every write session; read by
-- sql/quality_test_line_share.sql and sql/strategic_contributions.sql).
CREATE TABLE commit_lines (
    item_key        VARCHAR,
    changed_lines   BIGINT,
    test_lines      BIGINT,
    touches_matrix  BOOLEAN
);
