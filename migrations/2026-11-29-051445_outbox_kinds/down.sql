DROP INDEX outbox_lease;
DELETE FROM outbox WHERE subject IS NULL OR body_text IS NULL;
UPDATE outbox SET state = 'failed' WHERE state = 'cancelled';
UPDATE outbox SET kind = 'confirm' WHERE kind = 'confirmation';
ALTER TABLE outbox
    DROP CONSTRAINT outbox_state_check,
    ADD CONSTRAINT outbox_state_check CHECK (state IN ('pending', 'sent', 'failed')),
    DROP CONSTRAINT outbox_stored_body_check,
    DROP CONSTRAINT outbox_kind_check,
    DROP COLUMN params,
    DROP COLUMN alert_id,
    DROP COLUMN batch_target_id,
    DROP COLUMN signature_id,
    ALTER COLUMN body_text SET NOT NULL,
    ALTER COLUMN subject SET NOT NULL;
