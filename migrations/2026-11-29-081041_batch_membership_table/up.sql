-- Batch membership moves from a column on signatures to a table of its own. Setting
-- signatures.batch_id rewrote every signature row and added an entry to each of its indexes:
-- cutting the first batch of a million signatures took well over a minute. A membership row
-- is small and has two indexes. A signature is in at most one batch (the primary key), and
-- the cutting transaction still assigns exactly the undelivered rows it sees, so a signature
-- whose confirmation commits after the cut is in the next batch.
--
-- No foreign keys: the cut inserts only rows it has just read, and a per-row check (which
-- also locks each signature, writing to its row) would more than double the cost of a cut.
-- A batch goes only with its campaign, whose signatures go with it; a trigger removes the
-- membership of signatures that are deleted, as ON DELETE CASCADE would.
CREATE TABLE batch_signatures (
    signature_id    uuid PRIMARY KEY,
    batch_id        uuid NOT NULL,
    -- The signature's confirmation time, so a batch is read in delivery order from this index.
    confirmed_at    timestamptz NOT NULL
);
CREATE INDEX batch_signatures_batch ON batch_signatures (batch_id, confirmed_at, signature_id);

CREATE FUNCTION forget_batch_membership() RETURNS trigger AS $$
BEGIN
    DELETE FROM batch_signatures m USING gone WHERE m.signature_id = gone.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER signatures_forget_batch_membership AFTER DELETE ON signatures
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION forget_batch_membership();

INSERT INTO batch_signatures (signature_id, batch_id, confirmed_at)
    SELECT id, batch_id, confirmed_at FROM signatures
    WHERE batch_id IS NOT NULL AND confirmed_at IS NOT NULL;

DROP INDEX signatures_batch;
DROP INDEX signatures_undelivered;
ALTER TABLE signatures DROP COLUMN batch_id;
