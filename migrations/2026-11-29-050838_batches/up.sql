-- Petition batches: which confirmed signatures went (or go) to which target, when, and how
-- it went. Membership is set on the signature rows by the transaction that cuts a batch, so
-- a signature that commits late simply waits for the next batch.

ALTER TABLE campaigns
    ADD COLUMN delivery_window  text,
    ADD COLUMN delivery_min     integer CHECK (delivery_min >= 1),
    ADD COLUMN reply_to         text,
    ADD COLUMN public_log       boolean NOT NULL DEFAULT false,
    ADD COLUMN include_postcode boolean NOT NULL DEFAULT false,
    -- The last schedule tick that was handled (cut or skipped below delivery_min).
    ADD COLUMN delivery_ticked_at timestamptz;

ALTER TABLE targets
    ADD COLUMN timezone      text,
    ADD COLUMN created_at    timestamptz NOT NULL DEFAULT now(),
    -- Set when the target's mail server refused the address for good (5xx).
    ADD COLUMN failed_at     timestamptz,
    ADD COLUMN failed_reason text;

-- A batch: the signatures that were undelivered and confirmed when it was cut.
CREATE TABLE batches (
    id              uuid PRIMARY KEY,
    campaign_id     uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    seq             integer NOT NULL CHECK (seq >= 1),
    reason          text NOT NULL CHECK (reason IN ('schedule', 'every', 'close', 'held', 'manual')),
    -- The schedule tick that caused it, at most one batch per tick.
    tick_at         timestamptz,
    cut_at          timestamptz NOT NULL DEFAULT now(),
    signature_count bigint NOT NULL CHECK (signature_count >= 0),
    -- Signatures in this batch and every earlier one of the campaign.
    total_through   bigint NOT NULL CHECK (total_through >= 0),
    -- About how many bytes this batch's rows take in a CSV.
    csv_bytes       bigint NOT NULL DEFAULT 0,
    UNIQUE (campaign_id, seq)
);
CREATE UNIQUE INDEX batches_one_per_tick ON batches (campaign_id, tick_at) WHERE tick_at IS NOT NULL;

ALTER TABLE signatures ADD COLUMN batch_id uuid REFERENCES batches (id);
CREATE INDEX signatures_batch ON signatures (batch_id, confirmed_at, id) WHERE batch_id IS NOT NULL;
CREATE INDEX signatures_undelivered ON signatures (campaign_id, confirmed_at)
    WHERE batch_id IS NULL AND state = 'counted' AND confirmed_at IS NOT NULL;

-- One message to one target, covering the campaign's batches with from_seq < seq <= to_seq
-- (a target added later starts from 0 and so receives everyone who signed before).
CREATE TABLE batch_targets (
    id              uuid PRIMARY KEY,
    campaign_id     uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    target_id       uuid NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    from_seq        integer NOT NULL CHECK (from_seq >= 0),
    to_seq          integer NOT NULL,
    -- Signature numbers first_number..=last_number in delivery order.
    first_number    bigint NOT NULL,
    last_number     bigint NOT NULL,
    signature_count bigint NOT NULL CHECK (signature_count >= 0),
    csv_bytes       bigint NOT NULL DEFAULT 0,
    manual          boolean NOT NULL DEFAULT false,
    message_id      text NOT NULL UNIQUE,
    state           text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'retrying', 'failed')),
    last_reply      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CHECK (to_seq > from_seq)
);
CREATE UNIQUE INDEX batch_targets_once ON batch_targets (target_id, to_seq) WHERE state <> 'failed';
CREATE INDEX batch_targets_campaign ON batch_targets (campaign_id, created_at);
