-- Feature-matrix completeness per target: (complete + 1/2 partial) / features of
-- the matrix (a feature the target does not list counts as not supported).
WITH m AS (SELECT * FROM feature_matrix WHERE $matrix::VARCHAR IS NULL OR matrix = $matrix::VARCHAR),
features AS (SELECT matrix, count(DISTINCT feature) AS features FROM m GROUP BY matrix)
SELECT m.matrix, m.target, any_value(coalesce(m.target_title, m.target)) AS target_title,
       f.features::INTEGER                                          AS features,
       count(*) FILTER (WHERE status = 'complete')::INTEGER         AS complete,
       count(*) FILTER (WHERE status = 'partial')::INTEGER          AS partial,
       count(*) FILTER (WHERE status = 'missing')::INTEGER          AS missing,
       count(*) FILTER (WHERE status = 'unknown')::INTEGER          AS unknown,
       (f.features - count(*))::INTEGER                             AS not_listed,
       (count(*) FILTER (WHERE status = 'complete')
        + 0.5 * count(*) FILTER (WHERE status = 'partial')) / f.features AS completeness
FROM m JOIN features f ON f.matrix = m.matrix
GROUP BY m.matrix, m.target, f.features
ORDER BY m.matrix, completeness DESC, m.target
