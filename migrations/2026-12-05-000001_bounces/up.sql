-- What came back: every bounce, complaint and auto-reply `bounces ingest` read, against the
-- message it answers when its VERP token or the original's Message-ID named one.
CREATE TABLE bounces (
    id uuid PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now(),
    class text NOT NULL
        CHECK (class IN ('hard', 'soft', 'complaint', 'auto_reply', 'delivered', 'unsubscribe', 'unreadable')),
    -- The enhanced status code (RFC 3463) it gave, e.g. 5.1.1.
    status text,
    -- What the remote server said, with addresses taken out.
    detail text,
    -- The Message-ID of the bounce itself: the same bounce read twice is recorded once.
    bounce_message_id text,
    outbox_id uuid,
    kind text,
    alert_id uuid,
    batch_target_id uuid,
    -- Kept only when it could not be read or matched, for an organizer to look at.
    message bytea
);

CREATE UNIQUE INDEX bounces_once ON bounces (outbox_id, bounce_message_id)
    WHERE outbox_id IS NOT NULL AND bounce_message_id IS NOT NULL;
CREATE INDEX bounces_outbox ON bounces (outbox_id) WHERE outbox_id IS NOT NULL;
CREATE INDEX bounces_alert ON bounces (alert_id, class) WHERE alert_id IS NOT NULL;
CREATE INDEX bounces_target ON bounces (batch_target_id) WHERE batch_target_id IS NOT NULL;
CREATE INDEX bounces_unread ON bounces (received_at) WHERE outbox_id IS NULL;
