-- The State, Activity Profile and Agent Profile resources: documents stored as the bytes and
-- content type the client sent, keyed by what the resource names them by. Columns a kind does
-- not use hold '' (or an empty blob) so that the primary key stays unique.
CREATE TABLE documents (
    kind          INTEGER NOT NULL,   -- 1 state, 2 activity profile, 3 agent profile
    activity      TEXT NOT NULL,      -- activity IRI ('' for agent profiles)
    agent         TEXT NOT NULL,      -- agent key, as in agents.ifi ('' for activity profiles)
    registration  BLOB NOT NULL,      -- 16-byte UUID; empty when none (state only)
    document_id   TEXT NOT NULL,      -- stateId or profileId
    content_type  TEXT NOT NULL,
    content       BLOB NOT NULL,
    etag          TEXT NOT NULL,      -- SHA-1 of the content, hexadecimal
    updated_ms    INTEGER NOT NULL,   -- last change, milliseconds since the epoch
    PRIMARY KEY (kind, activity, agent, registration, document_id)
) WITHOUT ROWID;
