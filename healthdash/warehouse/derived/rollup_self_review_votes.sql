-- Rebuilt at the end of every write session, after change_facts (files run in name order;
-- see schema/0020_self_review_votes.sql): every Code-Review vote (not 0) a person gave on
-- their own change, with the change's team, project, repo and owner organisation, so
-- sql/review_by_person.sql filters a few rows instead of joining 2M votes with identities
-- per call (~1.4 s at full scale, issue 11).  Self-votes are not reviews: no participation
-- number counts them.
CREATE OR REPLACE TABLE self_review_votes AS
SELECT c.source, c.change_key, c.team, c.project, c.repo, c.owner_org, rp.person_id, v.voted_at
FROM change_facts c
JOIN review_votes v ON v.source = c.source AND v.change_key = c.change_key
JOIN identity_people rp ON rp.identity_id = v.reviewer_identity
JOIN identity_people op ON op.identity_id = c.owner_identity
WHERE v.label = 'Code-Review' AND v.value <> 0 AND rp.person_id = op.person_id;
