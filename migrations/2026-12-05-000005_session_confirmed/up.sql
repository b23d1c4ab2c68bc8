-- When the organizer last gave their password in this session (sign-in, or asked again before
-- a dangerous action), which browser it is, and an id the account page may show to end it by.
ALTER TABLE organizer_sessions
    ADD COLUMN confirmed_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN browser text,
    ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX organizer_sessions_public_id ON organizer_sessions (public_id);
