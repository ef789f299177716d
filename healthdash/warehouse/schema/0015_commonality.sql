-- Commonality and consistency (issue 10): repository content read at each git
-- repository's head (collectors.repo_content), the community's global
-- requirements / constraints and common libraries, and feature matrices.

-- One row per declared requirement: the same name may appear twice in one file
-- with different environment markers, or in several sections of one file.
DROP TABLE dependencies;
CREATE TABLE dependencies (
    repo        VARCHAR NOT NULL,
    file        VARCHAR NOT NULL,          -- path in the repository (an -r include is its own file)
    section     VARCHAR NOT NULL DEFAULT '',   -- '' for requirements files, else e.g. project.dependencies
    name        VARCHAR NOT NULL,          -- PEP 503 normalised
    specifier   VARCHAR NOT NULL DEFAULT '',   -- canonical SpecifierSet ('' = any version)
    markers     VARCHAR NOT NULL DEFAULT '',   -- canonical environment markers ('' = always)
    extras      VARCHAR NOT NULL DEFAULT '',
    kind        VARCHAR NOT NULL DEFAULT 'runtime',   -- runtime, test, doc, optional
    line        INTEGER,
    captured_at TIMESTAMPTZ,
    PRIMARY KEY (repo, file, section, name, markers)
);

ALTER TABLE feature_matrix ADD COLUMN feature_title VARCHAR;
ALTER TABLE feature_matrix ADD COLUMN target_title VARCHAR;
ALTER TABLE feature_matrix ADD COLUMN maturity VARCHAR;     -- the feature's own status: mandatory, optional, ...
ALTER TABLE feature_matrix ADD COLUMN line INTEGER;

-- Hashed windows of normalised Python lines (collectors.code_windows).
CREATE TABLE code_windows (
    repo       VARCHAR NOT NULL,
    path       VARCHAR NOT NULL,
    start_line INTEGER NOT NULL,
    end_line   INTEGER NOT NULL,
    hash       BIGINT NOT NULL,
    PRIMARY KEY (repo, path, start_line)
);

-- Modules each repository imports, with the number of its Python files importing each.
CREATE TABLE repo_imports (
    repo   VARCHAR NOT NULL,
    module VARCHAR NOT NULL,
    files  INTEGER NOT NULL,
    PRIMARY KEY (repo, module)
);

-- The head whose content was read, and the size of its Python code.
CREATE TABLE repo_content (
    repo         VARCHAR PRIMARY KEY,
    head         VARCHAR NOT NULL,
    tree         VARCHAR,
    captured_at  TIMESTAMPTZ,
    files        INTEGER,
    python_files INTEGER,
    python_lines INTEGER                   -- normalised code lines (no comments, blanks, imports)
);

-- [commonality] common_libraries plus the repositories marked common_library = true.
CREATE TABLE common_libraries (
    name   VARCHAR PRIMARY KEY,            -- PEP 503 normalised distribution name
    label  VARCHAR NOT NULL,               -- as configured (oslo.config)
    origin VARCHAR NOT NULL                -- 'settings' or 'repo'
);

-- The community's global requirements and its constraints (the 'requirements' source).
CREATE TABLE global_requirements (
    source    VARCHAR NOT NULL,
    name      VARCHAR NOT NULL,
    specifier VARCHAR NOT NULL DEFAULT '',
    markers   VARCHAR NOT NULL DEFAULT '',
    line      INTEGER,
    PRIMARY KEY (source, name, markers)
);
CREATE TABLE constraints (
    source  VARCHAR NOT NULL,
    name    VARCHAR NOT NULL,
    version VARCHAR NOT NULL,
    markers VARCHAR NOT NULL DEFAULT '',
    line    INTEGER,
    PRIMARY KEY (source, name, markers)
);

-- Git sources collected before this version never read their content: collect them again.
UPDATE sources SET cursor = NULL WHERE kind = 'git';

-- The repositories whose content was read, with their project and team, under
-- the global filters: the one filter of every commonality / consistency metric.
CREATE MACRO content_repos_in(f_teams, f_projects, f_repos) AS TABLE
SELECT c.repo, r.project, p.team, r.url, r.is_common_library, c.head, c.captured_at, c.python_lines
FROM repo_content c
LEFT JOIN repos r ON r.name = c.repo
LEFT JOIN projects p ON p.name = r.project
WHERE (f_teams IS NULL OR list_contains(f_teams, p.team))
  AND (f_projects IS NULL OR list_contains(f_projects, r.project))
  AND (f_repos IS NULL OR list_contains(f_repos, c.repo));

-- Module names a distribution is imported as: oslo.config -> oslo_config or oslo.config.
CREATE MACRO imports_distribution(module, label) AS
    lower(module) IN (lower(label), replace(replace(lower(label), '.', '_'), '-', '_'))
    OR starts_with(lower(module), lower(label) || '.')
    OR starts_with(lower(module), replace(replace(lower(label), '.', '_'), '-', '_') || '.');

-- A web link to lines of a file at a commit, for the hosts whose URL layout is known.
CREATE MACRO source_link(url, head, path, first_line, last_line) AS
    CASE WHEN url IS NULL OR NOT regexp_matches(url, '^https?://') THEN NULL
         WHEN regexp_matches(url, '^https?://(www\.)?github\.com/')
              THEN regexp_replace(url, '(\.git)?/*$', '') || '/blob/' || head || '/' || path
                   || '#L' || first_line || '-L' || last_line
         WHEN regexp_matches(url, '^https?://gitlab\.')
              THEN regexp_replace(url, '(\.git)?/*$', '') || '/-/blob/' || head || '/' || path
                   || '#L' || first_line || '-' || last_line
         ELSE regexp_replace(url, '(\.git)?/*$', '') || '/src/commit/' || head || '/' || path
              || '#L' || first_line || '-L' || last_line END;

-- Common-library use per repository x common library (metrics read it through
-- content_repos_in).  status: 'declared' (a runtime or optional dependency in
-- the repository's manifests), 'imported only' (its Python imports it but no
-- runtime manifest declares it), 'test only' (only a test or doc dependency) or
-- 'not used'.  A library's own repository is left out.
CREATE VIEW common_library_use AS
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
imported AS (
    SELECT p.repo, p.library, sum(i.files) AS files
    FROM pairs p JOIN repo_imports i ON i.repo = p.repo AND imports_distribution(i.module, p.label)
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

-- Filled by derived/duplicate_blocks.sql at the end of every write session.
CREATE TABLE duplicate_blocks (
    block_key BIGINT, repo VARCHAR, path VARCHAR, first_line INTEGER, last_line INTEGER,
    code_lines INTEGER, repos INTEGER
);

-- The convention checks the Consistency page shows, in order, with their titles
-- (collectors.conventions registers the rules; manifests_readable comes from the
-- manifest parser).  A check missing here is still shown, after these.
CREATE TABLE convention_checks (
    check_name VARCHAR PRIMARY KEY,
    title      VARCHAR NOT NULL,
    position   INTEGER NOT NULL
);
INSERT INTO convention_checks VALUES
    ('licence', 'Licence', 1), ('readme', 'README', 2), ('contributing', 'Contributing guide', 3),
    ('tests', 'Tests', 4), ('docs', 'Documentation', 5), ('release_notes', 'Release notes', 6),
    ('ci_config', 'CI configuration', 7), ('python_versions', 'Declared Python versions', 8),
    ('lint_config', 'Lint configuration', 9), ('security_policy', 'Security policy', 10),
    ('uses_common_config', 'Common config library', 11), ('uses_common_logging', 'Common logging library', 12),
    ('manifests_readable', 'Manifests readable', 13);

-- Each repository's convention results at its latest read head (hygiene-only
-- checks such as dependency_constraints are left to the Security page).
CREATE VIEW latest_conventions AS
SELECT k.repo, k.check_name, coalesce(c.title, k.check_name) AS title, coalesce(c.position, 99) AS position,
       k.passed, k.detail, k.captured_at
FROM repo_checks k
JOIN repo_content rc ON rc.repo = k.repo AND rc.captured_at = k.captured_at
LEFT JOIN convention_checks c ON c.check_name = k.check_name
WHERE k.check_name <> 'dependency_constraints';
