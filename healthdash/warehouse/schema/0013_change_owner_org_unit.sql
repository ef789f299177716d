-- Change owners' concentration unit (issue 13): ``org_unit`` of the attribution
-- view (each independent or unknown person is their own organisation) for each
-- change's owner, so "a review of another organisation's change" compares the
-- reviewer's and the owner's units by the one rule in attributed_events.
-- derived/change_owner_orgs.sql fills it at the end of every write session.
ALTER TABLE change_owner_orgs ADD COLUMN org_unit VARCHAR;
