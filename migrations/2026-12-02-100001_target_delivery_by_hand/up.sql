-- An organizer delivered by hand while an earlier message to the target was still on its
-- way: the target is sent its signatures as soon as that message settles, not a day later.
ALTER TABLE targets ADD COLUMN deliver_by_hand boolean NOT NULL DEFAULT false;
