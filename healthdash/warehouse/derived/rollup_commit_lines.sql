-- Rebuilt at the end of every write session (see schema/0019_commit_lines.sql): each
-- commit's changed lines (added + removed; binary files count 0), those in test files
-- (macro is_test_path, the one rule) and whether it touches a feature-matrix file,
-- summed once per write instead of joining 2M file rows and matching every path per
-- call (test-line share 8 s, strategic 13 s at 1M commits, issue 11).  Only commits
-- with at least one file row.  item_key = repo@sha, the commit's contribution key.
CREATE OR REPLACE TABLE commit_lines AS
SELECT repo || '@' || sha                                                          AS item_key,
       CAST(sum(coalesce(added, 0) + coalesce(removed, 0)) AS BIGINT)              AS changed_lines,
       CAST(coalesce(sum(coalesce(added, 0) + coalesce(removed, 0)) FILTER (WHERE is_test_path(path)), 0) AS BIGINT)
                                                                                  AS test_lines,
       bool_or(regexp_matches(lower(path), '(support|feature)[-_]matrix'))         AS touches_matrix
FROM commit_files
GROUP BY repo, sha;
