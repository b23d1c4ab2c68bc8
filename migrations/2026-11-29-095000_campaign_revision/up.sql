-- Each save from the editor bumps the campaign's revision; a save made from an older revision
-- (a second tab, a colleague) is refused instead of silently undoing the other's changes.
ALTER TABLE campaigns ADD COLUMN revision integer NOT NULL DEFAULT 0;
