ALTER TABLE signatures ADD COLUMN batch_id uuid REFERENCES batches (id);
UPDATE signatures s SET batch_id = m.batch_id FROM batch_signatures m WHERE m.signature_id = s.id;
CREATE INDEX signatures_batch ON signatures (batch_id, confirmed_at, id) WHERE batch_id IS NOT NULL;
CREATE INDEX signatures_undelivered ON signatures (campaign_id, confirmed_at)
    WHERE batch_id IS NULL AND state = 'counted' AND confirmed_at IS NOT NULL;
DROP TRIGGER signatures_forget_batch_membership ON signatures;
DROP FUNCTION forget_batch_membership();
DROP TABLE batch_signatures;
