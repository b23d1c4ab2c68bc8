ALTER TABLE campaigns DROP COLUMN retention_hold, DROP COLUMN anonymised_at;
