-- Who acted: an organizer in the admin (organizer_id, kept NULL once the account is removed)
-- or someone at the command line of the server, who has no account.
ALTER TABLE audit_log
    ADD COLUMN via text NOT NULL DEFAULT 'admin' CHECK (via IN ('admin', 'command line'));
UPDATE audit_log SET via = 'command line' WHERE organizer_id IS NULL;
