-- Action alerts: an organizer's message to the supporters who opted in. Each recipient is one
-- small outbox row (alert, supporter), rendered when it is sent.

CREATE TABLE alerts (
    id                  uuid PRIMARY KEY,
    subject             text NOT NULL,
    -- Markdown, rendered by the letter's sanitising renderer.
    body                text NOT NULL,
    -- The action it asks people to take (the button's page).
    campaign_id         uuid REFERENCES campaigns (id) ON DELETE SET NULL,
    audience            text NOT NULL DEFAULT 'all'
        CHECK (audience IN ('all', 'country', 'signers', 'follow_up')),
    audience_country    text,
    audience_campaign_id uuid REFERENCES campaigns (id) ON DELETE SET NULL,
    -- Send also to supporters who already signed `campaign_id`.
    include_signed      boolean NOT NULL DEFAULT false,
    -- A follow-up: to those who received this alert and have not signed since.
    follow_up_of        uuid REFERENCES alerts (id) ON DELETE CASCADE,
    -- Carried by the button's link, the same for every recipient: signatures made through
    -- it record the alert, and nothing tells one recipient from another.
    source_code         text NOT NULL UNIQUE,
    state               text NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled')),
    send_at             timestamptz,
    fanned_out_at       timestamptz,
    finished_at         timestamptz,
    recipients          integer NOT NULL DEFAULT 0,
    paused_reason       text,
    created_by          uuid REFERENCES organizers (id) ON DELETE SET NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (audience <> 'country' OR audience_country IS NOT NULL),
    CHECK (audience <> 'signers' OR audience_campaign_id IS NOT NULL),
    CHECK (audience <> 'follow_up' OR follow_up_of IS NOT NULL)
);

-- One follow-up per alert.
CREATE UNIQUE INDEX alerts_one_follow_up ON alerts (follow_up_of) WHERE follow_up_of IS NOT NULL;
CREATE INDEX alerts_due ON alerts (send_at) WHERE state = 'scheduled';

ALTER TABLE outbox
    ADD COLUMN supporter_id uuid REFERENCES supporters (id) ON DELETE SET NULL,
    ADD CONSTRAINT outbox_alert_fk FOREIGN KEY (alert_id) REFERENCES alerts (id) ON DELETE CASCADE,
    DROP CONSTRAINT outbox_state_check,
    ADD CONSTRAINT outbox_state_check
        CHECK (state IN ('pending', 'sent', 'failed', 'cancelled', 'held'));

-- Each supporter receives an alert once, however often it is fanned out.
CREATE UNIQUE INDEX outbox_alert_once ON outbox (alert_id, supporter_id)
    WHERE kind = 'alert' AND supporter_id IS NOT NULL;
-- The per-supporter frequency cap.
CREATE INDEX outbox_supporter_alerts ON outbox (supporter_id, created_at)
    WHERE kind = 'alert' AND supporter_id IS NOT NULL;
-- The signatures an alert brought.
CREATE INDEX signatures_source ON signatures (campaign_id, source) WHERE source IS NOT NULL;
