-- Sends begun for a row whose result was never recorded (the worker died, or lost its lease,
-- between starting the send and writing the result). Such a message may have arrived; after
-- two of them it is not sent a third time. Recording any result resets it.
ALTER TABLE outbox ADD COLUMN unrecorded_sends smallint NOT NULL DEFAULT 0;
