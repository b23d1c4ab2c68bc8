-- When the organizer last gave their password in this session: sign-in, or asked again
-- before a dangerous action (exports, erasures, role changes, very large alerts).
ALTER TABLE organizer_sessions ADD COLUMN confirmed_at timestamptz NOT NULL DEFAULT now();
