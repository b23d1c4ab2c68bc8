DROP INDEX signatures_held_newest;
DROP INDEX signatures_unconfirmed;
DROP INDEX signatures_campaign_id;
DROP TRIGGER signatures_tally ON signatures;
DROP FUNCTION tally_confirmed_signature();
DROP TABLE campaign_countries;
DROP TABLE campaign_hourly;
DROP TABLE audit_log;
DROP TABLE setup_tokens;
DROP TABLE login_failures;
DROP TABLE organizer_sessions;
DROP TABLE organizers;
UPDATE campaigns SET status = 'closed' WHERE status = 'archived';
ALTER TABLE campaigns DROP CONSTRAINT campaigns_status_check;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_status_check
    CHECK (status IN ('draft', 'live', 'closed'));
