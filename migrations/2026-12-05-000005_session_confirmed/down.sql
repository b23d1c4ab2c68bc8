ALTER TABLE organizer_sessions DROP COLUMN confirmed_at, DROP COLUMN browser, DROP COLUMN public_id;
