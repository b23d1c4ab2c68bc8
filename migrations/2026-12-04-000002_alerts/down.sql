DROP INDEX signatures_source;
DROP INDEX outbox_supporter_alerts;
DROP INDEX outbox_alert_once;
DELETE FROM outbox WHERE state = 'held';
ALTER TABLE outbox
    DROP CONSTRAINT outbox_state_check,
    ADD CONSTRAINT outbox_state_check CHECK (state IN ('pending', 'sent', 'failed', 'cancelled')),
    DROP CONSTRAINT outbox_alert_fk,
    DROP COLUMN supporter_id;
DROP TABLE alerts;
