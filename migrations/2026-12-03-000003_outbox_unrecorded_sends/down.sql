ALTER TABLE outbox DROP COLUMN unrecorded_sends;
