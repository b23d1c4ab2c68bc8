-- The confirmed, counted signatures that are in no batch yet, kept as they change, so a
-- delivery pass finds them without comparing every signature of a campaign with every
-- membership (over a second per pass for a campaign of a million). A row is added when a
-- signature becomes confirmed and counted (unless it was delivered before), removed when it
-- stops being so, and moved into batch_signatures by the transaction that cuts the batch: a
-- confirmation that commits during a cut is not seen by it and waits for the next batch.
CREATE TABLE batch_pending (
    signature_id    uuid PRIMARY KEY REFERENCES signatures (id) ON DELETE CASCADE,
    campaign_id     uuid NOT NULL,
    confirmed_at    timestamptz NOT NULL,
    -- About how many bytes the signature takes in a batch's CSV.
    csv_bytes       integer NOT NULL
);
CREATE INDEX batch_pending_campaign ON batch_pending (campaign_id, confirmed_at, signature_id);

CREATE FUNCTION track_pending_signature() RETURNS trigger AS $$
BEGIN
    IF NEW.confirmed_at IS NOT NULL AND NEW.state = 'counted' THEN
        INSERT INTO batch_pending (signature_id, campaign_id, confirmed_at, csv_bytes)
        SELECT NEW.id, NEW.campaign_id, NEW.confirmed_at,
               octet_length(NEW.name) + coalesce(octet_length(NEW.postcode), 0)
               + coalesce(octet_length(NEW.comment), 0) + 48
        WHERE NOT EXISTS (SELECT 1 FROM batch_signatures m WHERE m.signature_id = NEW.id)
        ON CONFLICT (signature_id) DO NOTHING;
    ELSE
        DELETE FROM batch_pending WHERE signature_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- Only when a signature starts or stops being deliverable: signing itself calls nothing.
CREATE TRIGGER signatures_pending_insert AFTER INSERT ON signatures FOR EACH ROW
    WHEN (NEW.confirmed_at IS NOT NULL AND NEW.state = 'counted')
    EXECUTE FUNCTION track_pending_signature();
CREATE TRIGGER signatures_pending_update AFTER UPDATE OF confirmed_at, state ON signatures
    FOR EACH ROW
    WHEN ((OLD.confirmed_at IS NOT NULL AND OLD.state = 'counted')
          <> (NEW.confirmed_at IS NOT NULL AND NEW.state = 'counted'))
    EXECUTE FUNCTION track_pending_signature();

INSERT INTO batch_pending (signature_id, campaign_id, confirmed_at, csv_bytes)
    SELECT s.id, s.campaign_id, s.confirmed_at,
           octet_length(s.name) + coalesce(octet_length(s.postcode), 0)
           + coalesce(octet_length(s.comment), 0) + 48
    FROM signatures s
    WHERE s.confirmed_at IS NOT NULL AND s.state = 'counted'
      AND NOT EXISTS (SELECT 1 FROM batch_signatures m WHERE m.signature_id = s.id);
