-- When each API credential last authenticated a request, and each account last signed in
-- (docs/console.md): written at most once a minute per process, never on a request's path.
ALTER TABLE credentials ADD COLUMN last_used_ms INTEGER;
ALTER TABLE accounts ADD COLUMN last_used_ms INTEGER;
