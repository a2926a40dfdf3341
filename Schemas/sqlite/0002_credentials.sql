-- API credentials: key/secret pairs with scopes. Secrets are stored only as PBKDF2-HMAC-SHA256
-- hashes with a per-credential salt.

CREATE TABLE credentials (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,              -- space-separated scope names
    salt        BLOB NOT NULL,
    iterations  INTEGER NOT NULL,
    secret_hash BLOB NOT NULL,
    created_ms  INTEGER NOT NULL,
    revoked_ms  INTEGER                     -- set when revoked; revoked credentials never authenticate
);
