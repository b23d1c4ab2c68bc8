-- Every confirmation link that was sent keeps working until its signature is confirmed: a
-- supporter who signs twice clicks whichever e-mail they find first. One row per link.
CREATE TABLE signature_confirm_tokens (
    token_hash      text PRIMARY KEY,
    signature_id    uuid NOT NULL REFERENCES signatures (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signature_confirm_tokens_signature ON signature_confirm_tokens (signature_id);
-- Held submissions were never e-mailed, so their links were never sent.
INSERT INTO signature_confirm_tokens (token_hash, signature_id, created_at)
    SELECT confirm_token_hash, id, created_at FROM signatures WHERE state <> 'held';
ALTER TABLE signatures DROP COLUMN confirm_token_hash;

-- A held submission (honeypot, rate limit) must never block a later clean one from the same
-- address: only signatures that are not held are one per supporter and campaign. Held rows
-- stay for review beside the clean one.
ALTER TABLE signatures DROP CONSTRAINT signatures_campaign_id_supporter_id_key;
CREATE UNIQUE INDEX signatures_one_per_supporter ON signatures (campaign_id, supporter_id)
    WHERE state <> 'held';
CREATE INDEX signatures_held ON signatures (campaign_id, supporter_id) WHERE state = 'held';
