-- The supporter list: what an alert needs to greet and choose a supporter lives on the
-- supporter (not only on their signatures), and the do-not-mail list keeps no readable
-- address.

ALTER TABLE supporters
    ADD COLUMN name text,
    ADD COLUMN country text,
    ADD COLUMN language text,
    -- Where the supporter came from: `signature` or an import's `--source`.
    ADD COLUMN source text NOT NULL DEFAULT 'signature',
    -- The action whose form carried the consent (none for an import).
    ADD COLUMN alerts_consent_campaign_id uuid REFERENCES campaigns (id) ON DELETE SET NULL,
    -- Set with the address's do-not-mail entry (a hard bounce or a complaint).
    ADD COLUMN suppressed_at timestamptz,
    ADD COLUMN suppressed_reason text
        CHECK (suppressed_reason IN ('bounced', 'complained'));

-- Each supporter as their newest signature names them.
UPDATE supporters s
SET name = latest.name, country = latest.country
FROM (SELECT DISTINCT ON (supporter_id) supporter_id, name, country
      FROM signatures ORDER BY supporter_id, created_at DESC) AS latest
WHERE latest.supporter_id = s.id;

-- Consent given through a signature names its action.
UPDATE supporters s
SET alerts_consent_campaign_id = latest.campaign_id
FROM (SELECT DISTINCT ON (supporter_id) supporter_id, campaign_id
      FROM signatures WHERE wants_updates AND confirmed_at IS NOT NULL
      ORDER BY supporter_id, confirmed_at DESC) AS latest
WHERE latest.supporter_id = s.id AND s.alerts_consent_at IS NOT NULL;

UPDATE supporters s
SET suppressed_at = x.created_at, suppressed_reason = 'bounced'
FROM suppressions x
WHERE x.email_canonical = s.email_canonical;

-- The do-not-mail list: a keyed hash (HMAC-SHA-256 under the secret key) of the canonical
-- address, so the list itself names nobody. The readable rows it replaces are hashed and
-- removed by the service on its next start, which holds the key (SQL does not).
ALTER TABLE suppressions RENAME TO suppressions_readable;
ALTER TABLE suppressions_readable RENAME CONSTRAINT suppressions_pkey TO suppressions_readable_pkey;
CREATE TABLE suppressions (
    address_hash    text PRIMARY KEY,
    reason          text NOT NULL CHECK (reason IN ('unsubscribed', 'bounced', 'complained')),
    detail          text,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- The counts by state on the supporters page.
CREATE INDEX supporters_consented ON supporters (alerts_consent_at)
    WHERE alerts_consent_at IS NOT NULL;
