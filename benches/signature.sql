-- The SQL transaction `POST /c/{slug}/sign` runs for a new signature (src/signatures/sign.rs),
-- for pgbench: the per-IP counter, the inbox's e-mail counters (per campaign and per day), the
-- supporter, the signature with its confirmation link, and its confirmation e-mail.
-- Variables: :campaign (the benchmark campaign's id).
\set ip random(1, 2000000000)
SELECT gen_random_uuid() AS supporter_key, gen_random_uuid() AS token \gset
BEGIN;
INSERT INTO rate_limits (bucket, window_start, hits)
  VALUES ('sign:' || md5(:ip::text), date_trunc('hour', now()), 1)
  ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
  RETURNING hits;
INSERT INTO rate_limits (bucket, window_start, hits)
  VALUES ('mail:' || :campaign || ':' || md5(:supporter_key::text), date_trunc('day', now()), 1),
         ('mail:' || md5(:supporter_key::text), date_trunc('day', now()), 1)
  ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
  RETURNING bucket, hits;
INSERT INTO supporters (id, email, email_canonical)
  VALUES (gen_random_uuid(), :supporter_key || '@bench.example', :supporter_key || '@bench.example')
  ON CONFLICT (email_canonical) DO UPDATE SET email_canonical = excluded.email_canonical
  RETURNING id AS supporter_id \gset
WITH signature AS (
  INSERT INTO signatures (id, campaign_id, supporter_id, name, country, postcode, comment,
                          wants_updates, state, held_reason, source, ip_hash)
    VALUES (gen_random_uuid(), :campaign, :supporter_id, 'Bench Signer', 'DE', NULL, NULL,
            true, 'counted', NULL, NULL, md5(:ip::text))
    ON CONFLICT (campaign_id, supporter_id) WHERE state <> 'held' DO NOTHING
    RETURNING id)
INSERT INTO signature_confirm_tokens (token_hash, signature_id)
  SELECT md5(:token) || md5(:supporter_key), id FROM signature;
INSERT INTO outbox (id, kind, campaign_id, recipient, recipient_name, subject, body_text, body_html, message_id)
  VALUES (gen_random_uuid(), 'confirmation', :campaign, :supporter_key || '@bench.example', 'Bench Signer',
          'Please confirm your signature: Benchmark campaign',
          repeat('Thank you for signing. Open this link to confirm your signature. ', 9) || :token,
          NULL, '<' || :token || '@bench.example>');
COMMIT;
