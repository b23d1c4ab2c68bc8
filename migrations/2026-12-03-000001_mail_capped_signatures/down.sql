ALTER TABLE signatures DROP COLUMN mail_capped_at;
