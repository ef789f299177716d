-- Rebuilt at the end of every write session (see schema/0036_common_library_use_rollup.sql):
-- the common_library_use view's rows, so a collection that changes a repository's
-- requirements or imports, or the common libraries, changes the adoption map and KPIs.
CREATE OR REPLACE TABLE common_library_use_rollup AS
SELECT repo, library, label, status, uses, importing_files, declared_in
FROM common_library_use
ORDER BY repo, library;
