-- The admin's signature list searches names by prefix and pages through the matches in name
-- order; the dashboard reads its waiting and held figures from tallies kept by a trigger, so
-- no page counts signatures.

-- Name search: a range on the name lower-cased by Unicode rules (ICU's root locale, whatever
-- the database's own locale), compared in byte order, then keyset on (name, id).
CREATE INDEX signatures_campaign_name
    ON signatures (campaign_id, (lower(name COLLATE "und-x-icu") COLLATE "C"), id);

-- Signatures waiting for confirmation (counted, not yet confirmed) and held for review, per
-- campaign, spread over a few shards (by the signature id) so concurrent signings do not queue
-- on one row. A campaign's figure is the sum of its shards.
CREATE TABLE campaign_tallies (
    campaign_id     uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    shard           integer NOT NULL,
    unconfirmed     bigint NOT NULL DEFAULT 0,
    held            bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, shard)
);

CREATE FUNCTION tally_signature_states() RETURNS trigger AS $$
DECLARE
    d_unconfirmed bigint := 0;
    d_held bigint := 0;
    bucket integer;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        d_unconfirmed := d_unconfirmed - (OLD.state = 'counted' AND OLD.confirmed_at IS NULL)::int;
        d_held := d_held - (OLD.state = 'held')::int;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        d_unconfirmed := d_unconfirmed + (NEW.state = 'counted' AND NEW.confirmed_at IS NULL)::int;
        d_held := d_held + (NEW.state = 'held')::int;
    END IF;
    IF d_unconfirmed = 0 AND d_held = 0 THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        -- Only ever a decrement of a shard an insert created; an update also does nothing
        -- while the campaign itself is being deleted.
        UPDATE campaign_tallies SET unconfirmed = unconfirmed + d_unconfirmed, held = held + d_held
        WHERE campaign_id = OLD.campaign_id AND campaign_tallies.shard = get_byte(uuid_send(OLD.id), 15) % 32;
    ELSE
        bucket := get_byte(uuid_send(NEW.id), 15) % 32;
        INSERT INTO campaign_tallies (campaign_id, shard, unconfirmed, held)
        VALUES (NEW.campaign_id, bucket, d_unconfirmed, d_held)
        ON CONFLICT (campaign_id, shard) DO UPDATE
        SET unconfirmed = campaign_tallies.unconfirmed + EXCLUDED.unconfirmed,
            held = campaign_tallies.held + EXCLUDED.held;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER signatures_state_tally AFTER INSERT OR DELETE OR UPDATE OF confirmed_at, state
    ON signatures FOR EACH ROW EXECUTE FUNCTION tally_signature_states();

INSERT INTO campaign_tallies (campaign_id, shard, unconfirmed, held)
    SELECT campaign_id, get_byte(uuid_send(id), 15) % 32,
           count(*) FILTER (WHERE state = 'counted' AND confirmed_at IS NULL),
           count(*) FILTER (WHERE state = 'held')
    FROM signatures GROUP BY 1, 2;

-- The tallies replace the partial index the waiting figure was counted from.
DROP INDEX signatures_unconfirmed;
