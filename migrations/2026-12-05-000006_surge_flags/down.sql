DROP INDEX signatures_campaign_created;
DROP TABLE campaign_flags;
