-- Raw payloads of HTTP sources (DESIGN.md section 1), so the typed tables can be
-- rebuilt without refetching (``healthdash rebuild``).  One row per item as the
-- collector received it: a Gerrit change with its messages and revisions, a GitHub
-- pull request with its reviews, a GitHub issue with its repository's privacy, a
-- Launchpad task with its bug resource.  Upserted by key: a re-fetched item
-- replaces its payload.  ``item_id`` is the typed rows' key (changes.change_key,
-- bugs.bug_key); ``fetched_at`` equals the typed rows' fetched_at.
-- Private items (private/embargoed Launchpad bugs, private-repository issues) are
-- stored only in the scrubbed form the typed tables may hold, unless the source
-- collects private details (include_private + credentials).

CREATE TABLE raw_items (
    source_id         VARCHAR NOT NULL,
    category          VARCHAR NOT NULL,   -- change, pull_request, issue, task:<project>
    item_id           VARCHAR NOT NULL,
    updated_at        TIMESTAMPTZ,
    fetched_at        TIMESTAMPTZ NOT NULL,
    collector_version VARCHAR NOT NULL,
    payload           JSON NOT NULL,
    PRIMARY KEY (source_id, category, item_id)
);
