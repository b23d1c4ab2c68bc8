ALTER TABLE campaigns DROP COLUMN organisation, DROP COLUMN privacy_url;
