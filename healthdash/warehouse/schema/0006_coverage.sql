-- Coverage: one row per imported report and one per file in it (issue 6).
--
-- 0001's coverage_reports was keyed by (repo, measured_at, tool), so the same
-- report imported twice with a different fallback time (a copied artifact with
-- a new mtime, a URL fetched again) became two measurements.  A report is now
-- keyed by its content fingerprint (sha256 of the report bytes) within a repo:
-- re-importing the same report adds nothing, it only refreshes the row.
-- Existing rows are kept with a fingerprint derived from their old key.

CREATE TABLE coverage_reports_0006 (
    repo             VARCHAR NOT NULL,
    fingerprint      VARCHAR NOT NULL,     -- sha256 of the report's bytes
    measured_at      TIMESTAMPTZ NOT NULL,
    time_source      VARCHAR,              -- report, path, git, mtime, http, config
    tool             VARCHAR NOT NULL,     -- coverage.py, gcovr, cobertura, lcov
    tool_version     VARCHAR,
    format           VARCHAR,              -- coverage-json, cobertura-xml, lcov
    commit_sha       VARCHAR,
    lines_valid      BIGINT NOT NULL,
    lines_covered    BIGINT NOT NULL,
    branches_valid   BIGINT,               -- NULL when the tool did not measure branches
    branches_covered BIGINT,
    files            INTEGER,
    origin           VARCHAR,              -- file path or URL it was read from
    source_id        VARCHAR,
    fetched_at       TIMESTAMPTZ,
    PRIMARY KEY (repo, fingerprint)
);

INSERT INTO coverage_reports_0006
    (repo, fingerprint, measured_at, tool, commit_sha, lines_valid, lines_covered,
     branches_valid, branches_covered, origin)
SELECT repo, 'legacy:' || md5(repo || '|' || CAST(measured_at AS VARCHAR) || '|' || tool),
       measured_at, tool, commit_sha, coalesce(lines_valid, 0), coalesce(lines_covered, 0),
       branches_valid, branches_covered, origin
FROM coverage_reports;

DROP TABLE coverage_reports;
ALTER TABLE coverage_reports_0006 RENAME TO coverage_reports;

CREATE TABLE coverage_files (
    repo             VARCHAR NOT NULL,
    fingerprint      VARCHAR NOT NULL,     -- the report this row belongs to
    path             VARCHAR NOT NULL,     -- repository-relative, '/'-separated
    measured_at      TIMESTAMPTZ NOT NULL,
    tool             VARCHAR NOT NULL,
    lines_valid      BIGINT NOT NULL,
    lines_covered    BIGINT NOT NULL,
    branches_valid   BIGINT,
    branches_covered BIGINT,
    PRIMARY KEY (repo, fingerprint, path)
);

-- Each repo's reports in time order with the repo's project and team; the
-- coverage metrics start here.  A repo not configured in any project is its
-- own project under 'Unassigned' (as in the contributions view).
CREATE VIEW coverage_measurements AS
SELECT c.repo,
       coalesce(r.project, c.repo)          AS project,
       coalesce(p.team, 'Unassigned')       AS team,
       c.fingerprint, c.measured_at, c.time_source, c.tool, c.format, c.commit_sha,
       c.lines_valid, c.lines_covered, c.branches_valid, c.branches_covered, c.files, c.origin
FROM coverage_reports c
LEFT JOIN repos r ON r.name = c.repo
LEFT JOIN projects p ON p.name = r.project;

-- The global filters for coverage (team / project / repo and the date window on
-- measured_at).  Organisation and contribution kind do not apply to a report.
CREATE MACRO coverage_in(f_teams, f_projects, f_repos, f_start, f_end) AS TABLE
SELECT * FROM coverage_measurements
WHERE (f_teams IS NULL OR list_contains(f_teams, team))
  AND (f_projects IS NULL OR list_contains(f_projects, project))
  AND (f_repos IS NULL OR list_contains(f_repos, repo))
  AND (f_start IS NULL OR measured_at >= CAST(f_start AS TIMESTAMPTZ))
  AND (f_end IS NULL OR measured_at < CAST(f_end AS TIMESTAMPTZ) + INTERVAL 1 DAY);

-- A path is a test file when a folder is named tests/test/testing/spec/__tests__
-- or the file name follows a test convention (test_x.py, x_test.go, x.test.js,
-- x.spec.ts, FooTest.java, conftest.py).  One definition for every metric that
-- asks "how much of the change is tests" (quality, strategic contributions).
CREATE MACRO is_test_path(p) AS
    regexp_matches(lower(p), '(^|/)(tests?|testing|specs?|__tests__|__mocks__)/'
        || '|(^|/)(test_[^/]*|[^/]*_tests?\.[^/.]+|[^/]*\.(test|spec)\.[^/.]+|conftest\.py)$')
    OR regexp_matches(p, '(^|/)[^/]*Tests?\.(java|kt|scala|cs|php)$');
