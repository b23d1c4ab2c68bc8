ALTER TABLE campaigns DROP COLUMN revision;
