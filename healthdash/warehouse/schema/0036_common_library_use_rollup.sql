-- common_library_use (0028's view) stored at the end of every write session
-- (derived/rollup_common_library_use.sql; issue 11).  The view joins every repository x
-- common library pair to the repository's dependencies and imports per call: ~40-90 ms at
-- 2,000 repositories x 30 libraries (60,000 pairs), paid by the library-adoption map, the
-- adoption bars, the Commonality KPIs and the scorecard.  The rows are the view's, in
-- (repo, library) order; the metrics still filter them through content_repos_in.
CREATE TABLE common_library_use_rollup (
    repo             VARCHAR,
    library          VARCHAR,
    label            VARCHAR,
    status           VARCHAR,
    uses             BOOLEAN,
    importing_files  INTEGER,
    declared_in      VARCHAR
);

-- The library-use rows every commonality metric reads: the rollup, or with f_rollups false
-- (the equivalence tests only) the view itself.
CREATE OR REPLACE MACRO common_library_use_in(f_rollups) AS TABLE
SELECT repo, library, label, status, uses, importing_files, declared_in
FROM common_library_use_rollup
WHERE coalesce(f_rollups, true)
UNION ALL
SELECT repo, library, label, status, uses, importing_files, declared_in
FROM common_library_use
WHERE NOT coalesce(f_rollups, true);
