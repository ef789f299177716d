-- Features whose status differs between two targets of a matrix ($target_a, $target_b).
WITH m AS (SELECT * FROM feature_matrix WHERE $matrix::VARCHAR IS NULL OR matrix = $matrix::VARCHAR),
features AS (SELECT matrix, feature, any_value(feature_title) AS feature_title, min(line) AS line
             FROM m GROUP BY matrix, feature)
SELECT f.matrix, f.feature, coalesce(f.feature_title, f.feature) AS feature_title,
       coalesce(a.status, 'not listed') AS status_a, coalesce(b.status, 'not listed') AS status_b,
       a.notes AS notes_a, b.notes AS notes_b
FROM features f
LEFT JOIN m a ON a.matrix = f.matrix AND a.feature = f.feature AND a.target = $target_a::VARCHAR
LEFT JOIN m b ON b.matrix = f.matrix AND b.feature = f.feature AND b.target = $target_b::VARCHAR
WHERE coalesce(a.status, 'not listed') <> coalesce(b.status, 'not listed')
ORDER BY f.matrix, f.line, f.feature
