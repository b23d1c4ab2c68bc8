ALTER TABLE organizer_sessions DROP COLUMN confirmed_at;
