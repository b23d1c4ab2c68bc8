ALTER TABLE targets DROP COLUMN deliver_by_hand;
