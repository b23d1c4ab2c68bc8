-- Campaigns, their letter parts, signatures, the e-mail outbox and the counters that
-- keep page views away from COUNT(*).

CREATE TABLE campaigns (
    id              uuid PRIMARY KEY,
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'live', 'closed')),
    title           text NOT NULL,
    headline        text,
    intro           text,
    letter_date     text,
    subject         text,
    salutation      text,
    body            text NOT NULL DEFAULT '',
    closing         text,
    signer          jsonb,
    recipients      jsonb NOT NULL DEFAULT '[]',
    cc              jsonb NOT NULL DEFAULT '[]',
    goal            bigint CHECK (goal > 0),
    closes_at       timestamptz,
    delivery        text NOT NULL DEFAULT 'manual',
    source_text     text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    launched_at     timestamptz,
    closed_at       timestamptz
);
CREATE INDEX campaigns_live ON campaigns (launched_at DESC) WHERE status = 'live';

CREATE TABLE asks (
    campaign_id     uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    position        integer NOT NULL CHECK (position >= 1),
    text            text NOT NULL,
    PRIMARY KEY (campaign_id, position)
);

CREATE TABLE targets (
    id              uuid PRIMARY KEY,
    campaign_id     uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    position        integer NOT NULL,
    name            text NOT NULL,
    title           text,
    email           text NOT NULL,
    UNIQUE (campaign_id, email)
);

CREATE TABLE supporters (
    id                      uuid PRIMARY KEY,
    email                   text NOT NULL,
    email_canonical         text NOT NULL UNIQUE,
    created_at              timestamptz NOT NULL DEFAULT now(),
    alerts_consent_at       timestamptz,
    alerts_consent_wording  text,
    unsubscribed_at         timestamptz
);

CREATE TABLE signatures (
    id                  uuid PRIMARY KEY,
    campaign_id         uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    supporter_id        uuid NOT NULL REFERENCES supporters (id) ON DELETE CASCADE,
    name                text NOT NULL,
    country             text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    postcode            text,
    comment             text,
    wants_updates       boolean NOT NULL DEFAULT false,
    state               text NOT NULL CHECK (state IN ('counted', 'held', 'invalid')),
    held_reason         text,
    source              text,
    ip_hash             text,
    confirm_token_hash  text NOT NULL UNIQUE,
    confirmed_at        timestamptz,
    duplicate_notices   integer NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (campaign_id, supporter_id)
);
CREATE INDEX signatures_campaign_confirmed ON signatures (campaign_id, confirmed_at) WHERE confirmed_at IS NOT NULL;

-- One row per campaign, changed in the same transaction as the signature it counts.
CREATE TABLE campaign_counters (
    campaign_id     uuid PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
    signatures      bigint NOT NULL DEFAULT 0 CHECK (signatures >= 0)
);

-- Every e-mail the service sends, written with the change that causes it.
CREATE TABLE outbox (
    id                  uuid PRIMARY KEY,
    kind                text NOT NULL,
    campaign_id         uuid REFERENCES campaigns (id) ON DELETE SET NULL,
    recipient           text NOT NULL,
    recipient_name      text,
    subject             text NOT NULL,
    body_text           text NOT NULL,
    body_html           text,
    message_id          text NOT NULL UNIQUE,
    state               text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts            integer NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    lease_token         uuid,
    leased_until        timestamptz,
    last_error          text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';

-- Addresses that must never be mailed again (hard bounces).
CREATE TABLE suppressions (
    email_canonical text PRIMARY KEY,
    reason          text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Fixed-window counters shared by every instance.
CREATE TABLE rate_limits (
    bucket          text NOT NULL,
    window_start    timestamptz NOT NULL,
    hits            integer NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, window_start)
);

-- Sending-wide state, such as a pause after the SMTP server refused our credentials.
CREATE TABLE mail_status (
    id              boolean PRIMARY KEY DEFAULT true CHECK (id),
    paused_at       timestamptz,
    paused_reason   text
);
INSERT INTO mail_status (id) VALUES (true);
