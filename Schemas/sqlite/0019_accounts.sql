-- People's accounts (docs/console.md): a sign-in name (`key`), a display name, the role kept as
-- the scope it grants (`admin` or `analytics/read`), the password stored only as a
-- PBKDF2-HMAC-SHA256 hash with a per-account salt, as API secrets are. Apart from API
-- credentials, so that neither signs in where the other does.
CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,
    salt        BLOB NOT NULL,
    iterations  INTEGER NOT NULL,
    secret_hash BLOB NOT NULL,
    created_ms  INTEGER NOT NULL,
    revoked_ms  INTEGER                     -- set when disabled; disabled accounts never sign in
);
