-- Retention: the signatures of a campaign closed more than UNDERSIGN_RETENTION_DAYS ago are
-- anonymised by `deliver`, unless an organizer put the campaign on hold.
ALTER TABLE campaigns
    ADD COLUMN retention_hold boolean NOT NULL DEFAULT false,
    ADD COLUMN anonymised_at timestamptz;
