-- An organizer may invalidate a confirmed signature (abuse) and release it again. The hourly
-- and per-country tallies the dashboard charts now also lose a signature when it stops being
-- confirmed and counted, so they stay equal to what counts; they already gained one when it
-- became so (again).
CREATE OR REPLACE FUNCTION tally_confirmed_signature() RETURNS trigger AS $$
BEGIN
    IF NEW.confirmed_at IS NOT NULL AND NEW.state = 'counted'
       AND (TG_OP = 'INSERT' OR OLD.confirmed_at IS NULL OR OLD.state <> 'counted') THEN
        INSERT INTO campaign_hourly (campaign_id, hour, signatures)
        VALUES (NEW.campaign_id, date_trunc('hour', NEW.confirmed_at), 1)
        ON CONFLICT (campaign_id, hour) DO UPDATE SET signatures = campaign_hourly.signatures + 1;
        INSERT INTO campaign_countries (campaign_id, country, signatures)
        VALUES (NEW.campaign_id, NEW.country, 1)
        ON CONFLICT (campaign_id, country) DO UPDATE SET signatures = campaign_countries.signatures + 1;
    ELSIF TG_OP = 'UPDATE' AND OLD.confirmed_at IS NOT NULL AND OLD.state = 'counted'
       AND (NEW.confirmed_at IS NULL OR NEW.state <> 'counted') THEN
        UPDATE campaign_hourly SET signatures = signatures - 1
        WHERE campaign_id = OLD.campaign_id AND hour = date_trunc('hour', OLD.confirmed_at);
        UPDATE campaign_countries SET signatures = signatures - 1
        WHERE campaign_id = OLD.campaign_id AND country = OLD.country;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
