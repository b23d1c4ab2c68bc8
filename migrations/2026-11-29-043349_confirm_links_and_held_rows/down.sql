DROP INDEX signatures_held;
DROP INDEX signatures_one_per_supporter;
-- Only one row per supporter and campaign fits the old constraint: keep the clean one.
DELETE FROM signatures h
    WHERE h.state = 'held'
      AND EXISTS (SELECT 1 FROM signatures o
                  WHERE o.campaign_id = h.campaign_id AND o.supporter_id = h.supporter_id
                    AND o.id <> h.id AND (o.state <> 'held' OR o.id < h.id));
ALTER TABLE signatures ADD CONSTRAINT signatures_campaign_id_supporter_id_key
    UNIQUE (campaign_id, supporter_id);

ALTER TABLE signatures ADD COLUMN confirm_token_hash text;
UPDATE signatures s SET confirm_token_hash = t.token_hash
    FROM (SELECT DISTINCT ON (signature_id) signature_id, token_hash
          FROM signature_confirm_tokens ORDER BY signature_id, created_at DESC) t
    WHERE t.signature_id = s.id;
UPDATE signatures SET confirm_token_hash = md5(id::text) || md5(random()::text)
    WHERE confirm_token_hash IS NULL;
ALTER TABLE signatures ALTER COLUMN confirm_token_hash SET NOT NULL;
ALTER TABLE signatures ADD CONSTRAINT signatures_confirm_token_hash_key UNIQUE (confirm_token_hash);
DROP TABLE signature_confirm_tokens;
