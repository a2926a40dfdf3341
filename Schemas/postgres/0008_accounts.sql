-- People's accounts (docs/console.md), as in Schemas/sqlite/0019_accounts.sql: a sign-in name
-- (`key`), a display name, the role as the scope it grants, the password as a PBKDF2 hash.
CREATE TABLE accounts (
    id          BIGSERIAL PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,
    salt        BYTEA NOT NULL,
    iterations  INTEGER NOT NULL,
    secret_hash BYTEA NOT NULL,
    created_ms  BIGINT NOT NULL,
    revoked_ms  BIGINT                      -- set when disabled; disabled accounts never sign in
);
