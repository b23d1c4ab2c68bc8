-- Surges `deliver` flags on a campaign's dashboard: an IP hash or an e-mail domain behind more
-- signatures in one hour than UNDERSIGN_FLAG_HOURLY (default 100).
CREATE TABLE campaign_flags (
    campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    what text NOT NULL CHECK (what IN ('ip', 'domain')),
    -- The IP address's keyed hash, or the domain.
    value text NOT NULL,
    hour timestamptz NOT NULL,
    signatures integer NOT NULL,
    PRIMARY KEY (campaign_id, what, value, hour)
);
CREATE INDEX signatures_campaign_created ON signatures (campaign_id, created_at);
