DROP TABLE batch_targets;
ALTER TABLE signatures DROP COLUMN batch_id;
DROP TABLE batches;
ALTER TABLE targets
    DROP COLUMN timezone,
    DROP COLUMN created_at,
    DROP COLUMN failed_at,
    DROP COLUMN failed_reason;
ALTER TABLE campaigns
    DROP COLUMN delivery_window,
    DROP COLUMN delivery_min,
    DROP COLUMN reply_to,
    DROP COLUMN public_log,
    DROP COLUMN include_postcode,
    DROP COLUMN delivery_ticked_at;
