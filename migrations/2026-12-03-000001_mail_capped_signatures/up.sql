-- A signature whose confirmation e-mail was not sent because its inbox had had as many signing
-- e-mails as it may get that day. The organizer sees these beside the held submissions and may
-- send the confirmation; the column is cleared when one is sent.
ALTER TABLE signatures ADD COLUMN mail_capped_at timestamptz;
CREATE INDEX signatures_mail_capped_newest ON signatures (campaign_id, id)
    WHERE mail_capped_at IS NOT NULL;
