-- Organizers run campaigns from /admin: accounts with roles, server-side sessions, login
-- throttling, the first-run setup link, an audit log, archived campaigns, and the hourly and
-- per-country tallies the dashboard reads instead of counting signatures.

ALTER TABLE campaigns DROP CONSTRAINT campaigns_status_check;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_status_check
    CHECK (status IN ('draft', 'live', 'closed', 'archived'));

CREATE TABLE organizers (
    id              uuid PRIMARY KEY,
    email           text NOT NULL,
    email_canonical text NOT NULL UNIQUE,
    password_hash   text NOT NULL,
    role            text NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    disabled_at     timestamptz
);

-- Only the SHA-256 of a session id is stored: a database leak signs no one in.
CREATE TABLE organizer_sessions (
    id_hash         text PRIMARY KEY,
    organizer_id    uuid NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    csrf_token      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organizer_sessions_organizer ON organizer_sessions (organizer_id);

-- Failed sign-ins per key ("account:<hash>" or "ip:<hash>"), for backoff.
CREATE TABLE login_failures (
    key             text PRIMARY KEY,
    failures        integer NOT NULL DEFAULT 0,
    last_failed_at  timestamptz NOT NULL DEFAULT now(),
    blocked_until   timestamptz
);

-- The one-time link that lets the first organizer in.
CREATE TABLE setup_tokens (
    token_hash      text PRIMARY KEY,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);

-- What organizers did that others must be able to review (exports, launches, users).
CREATE TABLE audit_log (
    id              uuid PRIMARY KEY,
    organizer_id    uuid REFERENCES organizers (id) ON DELETE SET NULL,
    action          text NOT NULL,
    campaign_id     uuid REFERENCES campaigns (id) ON DELETE SET NULL,
    detail          jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_created ON audit_log (created_at DESC);

-- Confirmed, counted signatures per campaign and hour, and per campaign and country, kept by
-- a trigger in the confirming transaction: the dashboard never scans signatures to chart.
CREATE TABLE campaign_hourly (
    campaign_id     uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    hour            timestamptz NOT NULL,
    signatures      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, hour)
);
CREATE TABLE campaign_countries (
    campaign_id     uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    country         text NOT NULL,
    signatures      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, country)
);

CREATE FUNCTION tally_confirmed_signature() RETURNS trigger AS $$
BEGIN
    IF NEW.confirmed_at IS NOT NULL AND NEW.state = 'counted'
       AND (TG_OP = 'INSERT' OR OLD.confirmed_at IS NULL OR OLD.state <> 'counted') THEN
        INSERT INTO campaign_hourly (campaign_id, hour, signatures)
        VALUES (NEW.campaign_id, date_trunc('hour', NEW.confirmed_at), 1)
        ON CONFLICT (campaign_id, hour) DO UPDATE SET signatures = campaign_hourly.signatures + 1;
        INSERT INTO campaign_countries (campaign_id, country, signatures)
        VALUES (NEW.campaign_id, NEW.country, 1)
        ON CONFLICT (campaign_id, country) DO UPDATE SET signatures = campaign_countries.signatures + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER signatures_tally AFTER INSERT OR UPDATE OF confirmed_at, state ON signatures
    FOR EACH ROW EXECUTE FUNCTION tally_confirmed_signature();

-- The admin's signature list pages by id (time-ordered uuid v7) within a campaign; the
-- unconfirmed and held counts read only their own partial indexes.
CREATE INDEX signatures_campaign_id ON signatures (campaign_id, id);
CREATE INDEX signatures_unconfirmed ON signatures (campaign_id) WHERE confirmed_at IS NULL;
CREATE INDEX signatures_held_newest ON signatures (campaign_id, id) WHERE state = 'held';
