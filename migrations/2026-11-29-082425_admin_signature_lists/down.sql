CREATE INDEX signatures_unconfirmed ON signatures (campaign_id) WHERE confirmed_at IS NULL;
DROP TRIGGER signatures_state_tally ON signatures;
DROP FUNCTION tally_signature_states();
DROP TABLE campaign_tallies;
DROP INDEX signatures_campaign_name;
