-- Equivalence of a statement sent again under a known id is now decided by re-reading the
-- stored statement when that happens, instead of keeping a digest for every statement.
ALTER TABLE statements DROP COLUMN comparison;
