-- API credentials: key/secret pairs with scopes. Secrets are stored only as PBKDF2-HMAC-SHA256
-- hashes with a per-credential salt (as in Schemas/sqlite/0002_credentials.sql).
CREATE TABLE credentials (
    id          BIGSERIAL PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,              -- space-separated scope names
    salt        BYTEA NOT NULL,
    iterations  INTEGER NOT NULL,
    secret_hash BYTEA NOT NULL,
    created_ms  BIGINT NOT NULL,
    revoked_ms  BIGINT                      -- set when revoked; revoked credentials never authenticate
);
