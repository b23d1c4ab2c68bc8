DROP TRIGGER signatures_pending_update ON signatures;
DROP TRIGGER signatures_pending_insert ON signatures;
DROP FUNCTION track_pending_signature();
DROP TABLE batch_pending;
