-- common_library_use (0015) with the import match as an equi-join (issue 11).  0015
-- joined every repository x library pair to every import of the repository and tested
-- imports_distribution(module, label) on each: ~0.7 s at 2,000 repositories x 30
-- libraries, paid by every Commonality query and the scorecard.  A module imports a
-- distribution exactly when one of its dotted prefixes (lower-cased: 'a', 'a.b',
-- 'a.b.c' for 'A.b.c') equals the label lower-cased or with '.' and '-' as '_':
-- starts_with(m, x || '.') is "x is a proper dotted prefix of m", and m = x is the
-- whole.  Two spellings of one label have the same length and so cannot both be
-- prefixes of one module, so no import counts twice.  The rows are identical
-- (checked with EXCEPT ALL both ways at full scale and in tests/test_commonality.py).
CREATE OR REPLACE VIEW common_library_use AS
WITH pairs AS (
    SELECT c.repo, l.name AS library, l.label
    FROM repo_content c CROSS JOIN common_libraries l
    WHERE lower(regexp_replace(c.repo, '[-_.]+', '-', 'g')) <> l.name
),
declared AS (
    SELECT repo, name,
           bool_or(kind IN ('runtime', 'optional')) AS runtime,
           min(file || ':' || line) FILTER (WHERE kind IN ('runtime', 'optional')) AS runtime_where,
           min(file || ':' || line) AS any_where
    FROM dependencies GROUP BY repo, name
),
spellings AS (   -- each library's label as imports_distribution accepts it
    SELECT DISTINCT l.name AS library, s.spelling
    FROM common_libraries l,
         unnest([lower(l.label), replace(replace(lower(l.label), '.', '_'), '-', '_')]) AS s(spelling)
),
prefixes AS (    -- each import's dotted prefixes, itself included
    SELECT i.repo, i.files,
           array_to_string(list_slice(string_split(lower(i.module), '.'), 1, k), '.') AS prefix
    FROM repo_imports i, range(1, len(string_split(i.module, '.')) + 1) AS r(k)
),
imported AS (
    SELECT p.repo, p.library, sum(x.files) AS files
    FROM pairs p
    JOIN spellings s ON s.library = p.library
    JOIN prefixes x ON x.repo = p.repo AND x.prefix = s.spelling
    GROUP BY p.repo, p.library
)
SELECT p.repo, p.library, p.label,
       CASE WHEN d.runtime THEN 'declared'
            WHEN i.files > 0 THEN 'imported only'
            WHEN d.name IS NOT NULL THEN 'test only'
            ELSE 'not used' END AS status,
       (d.runtime IS TRUE) AS uses,
       coalesce(i.files, 0)::INTEGER AS importing_files,
       CASE WHEN d.runtime THEN d.runtime_where ELSE d.any_where END AS declared_in
FROM pairs p
LEFT JOIN declared d ON d.repo = p.repo AND d.name = p.library
LEFT JOIN imported i ON i.repo = p.repo AND i.library = p.library;
