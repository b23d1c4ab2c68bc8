-- Confirmations go before bulk mail: a supporter waiting for their link should not wait
-- behind thousands of test copies or batch messages. 0 is sent first; bulk mail is 1.
ALTER TABLE outbox ADD COLUMN priority smallint NOT NULL DEFAULT 1;
UPDATE outbox SET priority = 0 WHERE kind IN ('confirmation', 'already_signed');
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (priority, next_attempt_at) WHERE state = 'pending';
