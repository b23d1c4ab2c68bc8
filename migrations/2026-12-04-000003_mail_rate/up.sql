-- The installation-wide sending rate (UNDERSIGN_MAIL_RATE): one token bucket that every
-- process draws from before it claims, so the rate holds however many processes send.
CREATE TABLE mail_rate (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    tokens      double precision NOT NULL DEFAULT 0,
    refilled_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
INSERT INTO mail_rate DEFAULT VALUES;
