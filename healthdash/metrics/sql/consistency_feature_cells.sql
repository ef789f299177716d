-- Feature matrix cells (features x targets) of the chosen matrix ($matrix NULL = all),
-- including the cells a matrix does not list (status 'not listed').  With
-- $holes_only: only the holes (missing, unknown or not listed).
WITH m AS (SELECT * FROM feature_matrix WHERE $matrix::VARCHAR IS NULL OR matrix = $matrix::VARCHAR),
features AS (SELECT matrix, feature, any_value(feature_title) AS feature_title, min(line) AS line,
                    any_value(maturity) AS maturity FROM m GROUP BY matrix, feature),
targets AS (SELECT matrix, target, any_value(target_title) AS target_title FROM m GROUP BY matrix, target)
SELECT f.matrix, f.feature, coalesce(f.feature_title, f.feature) AS feature_title, f.maturity,
       t.target, coalesce(t.target_title, t.target) AS target_title,
       coalesce(m.status, 'not listed') AS status, m.notes
FROM features f
JOIN targets t ON t.matrix = f.matrix
LEFT JOIN m ON m.matrix = f.matrix AND m.feature = f.feature AND m.target = t.target
WHERE NOT $holes_only::BOOLEAN OR coalesce(m.status, 'not listed') IN ('missing', 'unknown', 'not listed')
ORDER BY f.matrix, f.line, f.feature, t.target
