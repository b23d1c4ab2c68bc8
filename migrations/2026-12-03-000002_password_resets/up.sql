-- "Forgot your password?": a one-hour, single-use link e-mailed to an organizer. Only the
-- token's hash is kept. Invitations are now e-mailed too, through the same outbox.
CREATE TABLE organizer_password_resets (
    token_hash      text PRIMARY KEY,
    organizer_id    uuid NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);
CREATE INDEX organizer_password_resets_organizer ON organizer_password_resets (organizer_id);

ALTER TABLE outbox
    DROP CONSTRAINT outbox_kind_check,
    ADD CONSTRAINT outbox_kind_check
        CHECK (kind IN ('confirmation', 'already_signed', 'petition_batch', 'alert', 'test_copy',
                        'password_reset', 'invitation'));
