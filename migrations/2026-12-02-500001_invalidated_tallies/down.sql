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
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
