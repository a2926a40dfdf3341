-- The analytics catalog (one JSON document) and the roster (one row per person), each
-- replaced whole when a new one is loaded.
CREATE TABLE catalog (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    document    BLOB NOT NULL,      -- the catalog as JSON (every member written)
    updated_ms  INTEGER NOT NULL
);

CREATE TABLE roster (
    agent       TEXT PRIMARY KEY,   -- agent key, as in agents.ifi
    name        TEXT,
    team        TEXT,
    role        TEXT,
    hired_day   INTEGER NOT NULL,   -- days since 1970-01-01 (UTC)
    left_day    INTEGER             -- NULL while they stay
) WITHOUT ROWID;
