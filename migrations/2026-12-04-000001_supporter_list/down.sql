DROP INDEX supporters_consented;
DROP TABLE suppressions;
CREATE TABLE IF NOT EXISTS suppressions_readable (
    email_canonical text PRIMARY KEY,
    reason          text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE suppressions_readable RENAME TO suppressions;
ALTER TABLE supporters
    DROP COLUMN name, DROP COLUMN country, DROP COLUMN language, DROP COLUMN source,
    DROP COLUMN alerts_consent_campaign_id, DROP COLUMN suppressed_at,
    DROP COLUMN suppressed_reason;
