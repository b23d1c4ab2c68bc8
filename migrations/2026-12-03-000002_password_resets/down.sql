DELETE FROM outbox WHERE kind IN ('password_reset', 'invitation');
ALTER TABLE outbox
    DROP CONSTRAINT outbox_kind_check,
    ADD CONSTRAINT outbox_kind_check
        CHECK (kind IN ('confirmation', 'already_signed', 'petition_batch', 'alert', 'test_copy'));
DROP TABLE organizer_password_resets;
