-- Rebuilt at the end of every write session (see schema/0015_commonality.sql).
-- Cross-repository duplicate code: a window (6 normalised Python lines hashed by
-- collectors.code_windows) is shared when its hash occurs in >= 2 repositories.
-- Overlapping shared windows of one file form a block (gaps and islands); a
-- block's key is its smallest window hash, the same on every side of an exact
-- copy; code_lines = windows + 5 normalised lines.  One row per block occurrence.
CREATE OR REPLACE TABLE duplicate_blocks AS
WITH shared AS (
    SELECT hash FROM code_windows GROUP BY hash HAVING count(DISTINCT repo) >= 2
),
marked AS (
    SELECT w.repo, w.path, w.start_line, w.end_line, w.hash,
           CASE WHEN w.start_line <= lag(w.end_line) OVER (PARTITION BY w.repo, w.path ORDER BY w.start_line)
                THEN 0 ELSE 1 END AS starts_block
    FROM code_windows w SEMI JOIN shared s ON s.hash = w.hash
),
numbered AS (
    SELECT *, sum(starts_block) OVER (PARTITION BY repo, path ORDER BY start_line) AS block_no FROM marked
),
blocks AS (
    SELECT repo, path, min(hash) AS block_key, min(start_line) AS first_line, max(end_line) AS last_line,
           (count(*) + 5)::INTEGER AS code_lines
    FROM numbered GROUP BY repo, path, block_no
)
SELECT block_key, repo, path, first_line, last_line, code_lines,
       count(DISTINCT repo) OVER (PARTITION BY block_key)::INTEGER AS repos
FROM blocks;
