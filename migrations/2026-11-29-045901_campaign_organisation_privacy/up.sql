-- Who runs an action and where its privacy notice is, for the trust line on its pages.
ALTER TABLE campaigns ADD COLUMN organisation TEXT, ADD COLUMN privacy_url TEXT;
