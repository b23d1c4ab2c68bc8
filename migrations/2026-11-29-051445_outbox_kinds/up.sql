-- Every kind of mail goes through the one outbox: a row names its kind, points at what it is
-- rendered from, and stores a body only when it cannot be rendered again at send time (a
-- confirmation carries a one-time token whose hash alone is kept).

UPDATE outbox SET kind = 'confirmation' WHERE kind NOT IN ('already_signed');

ALTER TABLE outbox
    ALTER COLUMN subject DROP NOT NULL,
    ALTER COLUMN body_text DROP NOT NULL,
    ADD COLUMN signature_id uuid REFERENCES signatures (id) ON DELETE SET NULL,
    ADD COLUMN batch_target_id uuid REFERENCES batch_targets (id) ON DELETE CASCADE,
    ADD COLUMN alert_id uuid,
    ADD COLUMN params jsonb NOT NULL DEFAULT '{}',
    ADD CONSTRAINT outbox_kind_check
        CHECK (kind IN ('confirmation', 'already_signed', 'petition_batch', 'alert', 'test_copy')),
    ADD CONSTRAINT outbox_stored_body_check
        CHECK (kind IN ('petition_batch', 'alert', 'test_copy')
               OR (subject IS NOT NULL AND body_text IS NOT NULL)),
    DROP CONSTRAINT outbox_state_check,
    ADD CONSTRAINT outbox_state_check
        CHECK (state IN ('pending', 'sent', 'failed', 'cancelled'));

-- Workers extend and release their claims by lease token.
CREATE INDEX outbox_lease ON outbox (lease_token) WHERE lease_token IS NOT NULL;
