-- When each API credential last authenticated a request, and each account last signed in, as in
-- Schemas/sqlite/0020_last_used.sql.
ALTER TABLE credentials ADD COLUMN last_used_ms BIGINT;
ALTER TABLE accounts ADD COLUMN last_used_ms BIGINT;
