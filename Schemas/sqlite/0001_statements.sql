-- Statements and the narrow index tables that answer the Statement resource's queries.
-- Agents, verbs and activities are interned to integer ids; UUIDs are 16-byte blobs; `seq`
-- is the storage order (the writer assigns it, with `stored` never decreasing along it).

CREATE TABLE agents (
    id   INTEGER PRIMARY KEY,
    ifi  TEXT NOT NULL UNIQUE              -- kind, unit separator, value (see StatementKeys)
);

CREATE TABLE verbs (
    id   INTEGER PRIMARY KEY,
    iri  TEXT NOT NULL UNIQUE
);

CREATE TABLE activities (
    id   INTEGER PRIMARY KEY,
    iri  TEXT NOT NULL UNIQUE
);

CREATE TABLE statements (
    seq                INTEGER PRIMARY KEY,
    id                 BLOB NOT NULL UNIQUE,     -- 16-byte UUID
    actor_id           INTEGER,                  -- agents.id; NULL for anonymous groups
    verb_id            INTEGER NOT NULL,
    object_agent_id    INTEGER,                  -- agents.id when the object is an agent or identified group
    object_activity_id INTEGER,                  -- activities.id when the object is an activity
    object_statement   BLOB,                     -- target UUID when the object is a StatementRef
    registration       BLOB,                     -- context.registration
    authority_id       INTEGER,                  -- agents.id of the authority (statements/read/mine)
    stored_ms          INTEGER NOT NULL,         -- milliseconds since the epoch
    is_voiding         INTEGER NOT NULL,         -- 1 for a voiding statement
    voided             INTEGER NOT NULL DEFAULT 0,
    comparison         BLOB NOT NULL,            -- SHA-256 of the comparison form (same id twice: equal => no-op)
    body               BLOB NOT NULL             -- canonical JSON
);

CREATE INDEX statements_actor        ON statements (actor_id, seq);
CREATE INDEX statements_verb         ON statements (verb_id, seq);
CREATE INDEX statements_object_agent ON statements (object_agent_id, seq) WHERE object_agent_id IS NOT NULL;
CREATE INDEX statements_activity     ON statements (object_activity_id, seq) WHERE object_activity_id IS NOT NULL;
CREATE INDEX statements_target       ON statements (object_statement) WHERE object_statement IS NOT NULL;
CREATE INDEX statements_registration ON statements (registration, seq) WHERE registration IS NOT NULL;
CREATE INDEX statements_stored       ON statements (stored_ms);

-- Every agent a statement mentions anywhere (related_agents=true), including the actor and object.
CREATE TABLE statement_agents (
    agent_id INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (agent_id, seq)
) WITHOUT ROWID;

-- Every activity a statement mentions anywhere (related_activities=true), including the object.
CREATE TABLE statement_activities (
    activity_id INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (activity_id, seq)
) WITHOUT ROWID;
