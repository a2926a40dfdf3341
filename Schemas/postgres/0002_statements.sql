-- Statements, their index tables, attachments, documents and the hash chain: the same model as
-- the SQLite schema (Schemas/sqlite 0001-0018), in PostgreSQL's types. Agents, verbs and
-- activities are interned to integer ids; `seq` is the storage order. Writers on every node
-- take the advisory lock `PostgresWriter.lockKey` for each transaction that stores
-- statements, and number them from the chain head read under it: `seq` has no gaps but for
-- erased statements, and `stored` never decreases along it.

CREATE TABLE agents (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ifi  TEXT NOT NULL UNIQUE                  -- kind, unit separator, value (see StatementKeys)
);

CREATE TABLE verbs (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    iri  TEXT NOT NULL UNIQUE
);

CREATE TABLE activities (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    iri  TEXT NOT NULL UNIQUE
);

CREATE TABLE statements (
    seq                BIGINT PRIMARY KEY,
    id                 UUID NOT NULL UNIQUE,
    actor_id           BIGINT,                   -- agents.id; NULL for anonymous groups
    verb_id            BIGINT NOT NULL,
    object_agent_id    BIGINT,                   -- agents.id when the object is an agent or identified group
    object_activity_id BIGINT,                   -- activities.id when the object is an activity
    object_statement   UUID,                     -- target when the object is a StatementRef
    registration       UUID,                     -- context.registration
    authority_id       BIGINT,                   -- agents.id of the authority (statements/read/mine)
    stored_ms          BIGINT NOT NULL,          -- milliseconds since the epoch
    is_voiding         BOOLEAN NOT NULL,
    voided             BOOLEAN NOT NULL DEFAULT FALSE,
    body               BYTEA NOT NULL            -- canonical JSON, as returned
);

CREATE INDEX statements_verb         ON statements (verb_id, seq);
CREATE INDEX statements_target       ON statements (object_statement) WHERE object_statement IS NOT NULL;
CREATE INDEX statements_registration ON statements (registration, seq) WHERE registration IS NOT NULL;
CREATE INDEX statements_stored       ON statements (stored_ms, seq);

-- Every agent a statement mentions; role: 1 actor, 2 object, 3 both, 0 any other mention.
CREATE TABLE statement_agents (
    agent_id BIGINT NOT NULL,
    seq      BIGINT NOT NULL,
    role     SMALLINT NOT NULL,
    PRIMARY KEY (agent_id, seq)
);

-- Every activity a statement mentions; role bits: 1 object, 2 parent, 4 grouping, 8 category.
CREATE TABLE statement_activities (
    activity_id BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    role        SMALLINT NOT NULL,
    PRIMARY KEY (activity_id, seq)
);

-- Direct StatementRef references between stored statements; queries walk chains of them.
CREATE TABLE statement_refs (
    referrer BIGINT NOT NULL,
    target   BIGINT NOT NULL,
    PRIMARY KEY (referrer, target)
);
CREATE INDEX statement_refs_target ON statement_refs (target);

-- The Activities resource's canonical definitions (merged in storage order).
CREATE TABLE activity_definitions (
    activity_id BIGINT PRIMARY KEY,
    definition  BYTEA NOT NULL
);

-- Attachment content, stored once per hash, and which statements delivered it.
CREATE TABLE attachments (
    sha2          TEXT PRIMARY KEY,
    content_type  TEXT NOT NULL,
    content       BYTEA NOT NULL
);

CREATE TABLE statement_attachments (
    sha2  TEXT NOT NULL,
    seq   BIGINT NOT NULL,
    PRIMARY KEY (sha2, seq)
);
CREATE INDEX statement_attachments_seq ON statement_attachments (seq);

-- State, Activity Profile and Agent Profile documents. Columns a kind does not use hold ''.
CREATE TABLE documents (
    kind          SMALLINT NOT NULL,   -- 1 state, 2 activity profile, 3 agent profile
    activity      TEXT NOT NULL,
    agent         TEXT NOT NULL,       -- agent key, as in agents.ifi
    registration  TEXT NOT NULL,       -- lower-case UUID, '' when none
    document_id   TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    content       BYTEA NOT NULL,
    etag          TEXT NOT NULL,       -- SHA-1 of the content, hexadecimal
    updated_ms    BIGINT NOT NULL,
    PRIMARY KEY (kind, activity, agent, registration, document_id)
);

-- The hash chain over stored statements (ChainLink); an erased statement keeps its row.
CREATE TABLE statement_chain (
    seq      BIGINT PRIMARY KEY,
    content  BYTEA NOT NULL,
    chain    BYTEA NOT NULL
);

-- Tombstones of erased statements (docs/audit.md "Erasure").
CREATE TABLE erased_statements (
    seq        BIGINT PRIMARY KEY,
    id         UUID NOT NULL UNIQUE,
    stored_ms  BIGINT NOT NULL,
    erasure    BIGINT NOT NULL
);

-- What was done to the records beyond storing statements, hash-chained like the statements.
CREATE TABLE audit_log (
    id     BIGINT PRIMARY KEY,
    entry  BYTEA NOT NULL,
    chain  BYTEA NOT NULL
);
