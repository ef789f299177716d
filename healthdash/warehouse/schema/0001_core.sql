-- Core schema: organisation of the community, sources, identities and every
-- contribution table named in DESIGN.md section 2.  Natural keys are primary keys
-- so loads are upserts (INSERT OR REPLACE) and re-running a collection never
-- duplicates a row.  Later changes go into new numbered files.

CREATE TABLE teams (
    name        VARCHAR PRIMARY KEY,
    description VARCHAR
);

CREATE TABLE projects (
    name VARCHAR PRIMARY KEY,
    team VARCHAR NOT NULL
);

CREATE TABLE repos (
    name              VARCHAR PRIMARY KEY,
    project           VARCHAR NOT NULL,
    url               VARCHAR,
    is_common_library BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE release_cycles (
    name     VARCHAR PRIMARY KEY,
    start_at DATE NOT NULL,
    end_at   DATE NOT NULL
);

-- One row per configured source; ``cursor`` is the collector's watermark
-- (git: last collected head sha; HTTP sources: last ``updated`` seen).
CREATE TABLE sources (
    source_id   VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL,
    location    VARCHAR NOT NULL,
    cursor      VARCHAR,
    last_run_at TIMESTAMPTZ,
    last_ok_at  TIMESTAMPTZ,
    last_error  VARCHAR,
    rows_loaded BIGINT NOT NULL DEFAULT 0
);

-- Raw identities exactly as a source reports them (see collectors.base.identity_id).
CREATE TABLE identities (
    identity_id VARCHAR PRIMARY KEY,
    source      VARCHAR NOT NULL,
    name        VARCHAR,
    email       VARCHAR,
    username    VARCHAR,
    account_id  VARCHAR
);

CREATE TABLE people (
    person_id    VARCHAR PRIMARY KEY,
    display_name VARCHAR,
    is_bot       BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE identity_person (
    identity_id VARCHAR PRIMARY KEY,
    person_id   VARCHAR NOT NULL,
    rule        VARCHAR            -- why this identity belongs to this person
);

CREATE TABLE affiliations (
    person_id  VARCHAR NOT NULL,
    org        VARCHAR NOT NULL,
    valid_from DATE NOT NULL DEFAULT DATE '1970-01-01',
    valid_to   DATE,               -- exclusive; NULL = open
    origin     VARCHAR,            -- file or rule the period came from
    PRIMARY KEY (person_id, org, valid_from)
);

CREATE TABLE org_domains (
    domain     VARCHAR NOT NULL,
    org        VARCHAR NOT NULL,
    valid_from DATE NOT NULL DEFAULT DATE '1970-01-01',
    valid_to   DATE,
    origin     VARCHAR,
    PRIMARY KEY (domain, valid_from)
);

CREATE TABLE commits (
    repo               VARCHAR NOT NULL,
    sha                VARCHAR NOT NULL,
    parents            VARCHAR[],
    is_merge           BOOLEAN NOT NULL,
    author_identity    VARCHAR NOT NULL,
    author_name        VARCHAR,
    author_email       VARCHAR,
    author_date        TIMESTAMPTZ NOT NULL,
    author_tz_minutes  SMALLINT,
    committer_identity VARCHAR NOT NULL,
    committer_name     VARCHAR,
    committer_email    VARCHAR,
    commit_date        TIMESTAMPTZ NOT NULL,
    commit_tz_minutes  SMALLINT,
    subject            VARCHAR,
    change_id          VARCHAR,
    co_authors         VARCHAR[],    -- "Name <email>" from Co-Authored-By trailers
    signed_off_by      VARCHAR[],
    files              INTEGER,      -- NULL for merges (no numstat)
    added              INTEGER,
    removed            INTEGER,
    source_id          VARCHAR,
    fetched_at         TIMESTAMPTZ,
    PRIMARY KEY (repo, sha)
);

CREATE TABLE commit_files (
    repo     VARCHAR NOT NULL,
    sha      VARCHAR NOT NULL,
    path     VARCHAR NOT NULL,
    added    INTEGER,                -- NULL for binary files
    removed  INTEGER,
    old_path VARCHAR,                -- set when git detected a rename
    PRIMARY KEY (repo, sha, path)
);

CREATE TABLE changes (
    source         VARCHAR NOT NULL,
    change_key     VARCHAR NOT NULL,
    repo           VARCHAR,
    number         BIGINT,
    change_id      VARCHAR,
    owner_identity VARCHAR,
    branch         VARCHAR,
    status         VARCHAR,          -- NEW / MERGED / ABANDONED (GitHub mapped)
    created        TIMESTAMPTZ,
    updated        TIMESTAMPTZ,
    submitted      TIMESTAMPTZ,
    patch_sets     INTEGER,
    subject        VARCHAR,
    merge_sha      VARCHAR,
    is_draft       BOOLEAN,
    fetched_at     TIMESTAMPTZ,
    PRIMARY KEY (source, change_key)
);

CREATE TABLE review_votes (
    source            VARCHAR NOT NULL,
    change_key        VARCHAR NOT NULL,
    reviewer_identity VARCHAR NOT NULL,
    patch_set         INTEGER NOT NULL,
    label             VARCHAR NOT NULL,   -- Code-Review, Workflow, Verified
    voted_at          TIMESTAMPTZ NOT NULL,
    value             INTEGER NOT NULL,
    PRIMARY KEY (source, change_key, reviewer_identity, patch_set, label, voted_at)
);

CREATE TABLE review_messages (
    source          VARCHAR NOT NULL,
    change_key      VARCHAR NOT NULL,
    message_id      VARCHAR NOT NULL,
    author_identity VARCHAR,
    posted_at       TIMESTAMPTZ,
    patch_set       INTEGER,
    is_ci           BOOLEAN NOT NULL DEFAULT false,
    is_recheck      BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (source, change_key, message_id)
);

CREATE TABLE bugs (
    source            VARCHAR NOT NULL,
    bug_key           VARCHAR NOT NULL,
    project           VARCHAR,
    title             VARCHAR,            -- NULL for private bugs (never stored)
    status            VARCHAR,
    importance        VARCHAR,
    created           TIMESTAMPTZ,
    triaged           TIMESTAMPTZ,
    in_progress       TIMESTAMPTZ,
    fix_committed     TIMESTAMPTZ,
    fix_released      TIMESTAMPTZ,
    closed            TIMESTAMPTZ,
    updated           TIMESTAMPTZ,
    is_security       BOOLEAN NOT NULL DEFAULT false,
    is_private        BOOLEAN NOT NULL DEFAULT false,
    information_type  VARCHAR,
    reporter_identity VARCHAR,
    assignee_identity VARCHAR,
    tags              VARCHAR[],
    web_link          VARCHAR,            -- NULL for private bugs
    fetched_at        TIMESTAMPTZ,
    PRIMARY KEY (source, bug_key)
);

CREATE TABLE advisories (
    advisory_id VARCHAR PRIMARY KEY,
    published   DATE,
    title       VARCHAR,
    projects    VARCHAR[],
    cves        VARCHAR[],
    bug_keys    VARCHAR[]
);

CREATE TABLE coverage_reports (
    repo             VARCHAR NOT NULL,
    measured_at      TIMESTAMPTZ NOT NULL,
    tool             VARCHAR NOT NULL,
    commit_sha       VARCHAR,
    lines_valid      BIGINT,
    lines_covered    BIGINT,
    branches_valid   BIGINT,
    branches_covered BIGINT,
    origin           VARCHAR,
    PRIMARY KEY (repo, measured_at, tool)
);

CREATE TABLE dependencies (
    repo        VARCHAR NOT NULL,
    file        VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    specifier   VARCHAR,
    captured_at TIMESTAMPTZ,
    PRIMARY KEY (repo, file, name)
);

CREATE TABLE repo_checks (
    repo        VARCHAR NOT NULL,
    check_name  VARCHAR NOT NULL,
    captured_at TIMESTAMPTZ NOT NULL,
    passed      BOOLEAN,
    detail      VARCHAR,
    PRIMARY KEY (repo, check_name, captured_at)
);

CREATE TABLE feature_matrix (
    matrix  VARCHAR NOT NULL,
    feature VARCHAR NOT NULL,
    target  VARCHAR NOT NULL,
    status  VARCHAR NOT NULL,
    notes   VARCHAR,
    PRIMARY KEY (matrix, feature, target)
);
