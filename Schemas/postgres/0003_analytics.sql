-- Analytics: the catalog and roster, and the learning facts the writer derives from each
-- statement in the statement's own transaction (removed when it is voided or erased). The
-- reports aggregate these facts when asked (no statement JSON is read); the model is the
-- SQLite schema's (Schemas/sqlite 0009-0017) without its per-day roll-ups.

CREATE TABLE catalog (
    id          SMALLINT PRIMARY KEY CHECK (id = 1),
    document    BYTEA NOT NULL,      -- the catalog as JSON (every member written)
    updated_ms  BIGINT NOT NULL,
    version     BIGINT NOT NULL      -- 1 for the first catalog, one more for each replacement: a
                                     -- node's writer reads the catalog again when it changed
);

CREATE TABLE roster (
    agent       TEXT PRIMARY KEY,    -- agent key, as in agents.ifi
    name        TEXT,
    team        TEXT,
    role        TEXT,
    hired_day   INTEGER NOT NULL,    -- days since 1970-01-01 (UTC)
    left_day    INTEGER              -- NULL while they stay
);

-- Skill and program IRIs as small integers in the fact tables.
CREATE TABLE analytics_terms (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    iri  TEXT NOT NULL UNIQUE
);

-- What every statement with an identified Agent as actor says, catalog or not.
CREATE TABLE learning_events (
    seq          BIGINT PRIMARY KEY,     -- statements.seq
    agent_id     BIGINT NOT NULL,
    verb_id      BIGINT NOT NULL,
    activity_id  BIGINT,                 -- the object activity
    at_ms        BIGINT NOT NULL,        -- the statement's timestamp (else its storage time)
    score        DOUBLE PRECISION,       -- scaled, else (raw - min) / (max - min)
    success      BOOLEAN
);
CREATE INDEX learning_events_at ON learning_events (at_ms);

-- Statements about a skill under the current catalog, one row per (statement, skill). kind bits:
-- 1 assessment verb with a score, 2 ADL passed with a score, 4 behaviour verb.
CREATE TABLE skill_events (
    skill     BIGINT NOT NULL,           -- analytics_terms.id
    agent_id  BIGINT NOT NULL,
    at_ms     BIGINT NOT NULL,
    seq       BIGINT NOT NULL,
    kind      SMALLINT NOT NULL,
    score     DOUBLE PRECISION,
    success   BOOLEAN,
    PRIMARY KEY (skill, agent_id, at_ms, seq)
);
CREATE INDEX skill_events_seq ON skill_events (seq);

-- Statements about a program under the current catalog (object, parent or grouping is the
-- program or one of its activities): enrolment.
CREATE TABLE program_events (
    program   BIGINT NOT NULL,           -- analytics_terms.id
    at_ms     BIGINT NOT NULL,
    agent_id  BIGINT NOT NULL,
    seq       BIGINT NOT NULL,
    PRIMARY KEY (program, at_ms, agent_id, seq)
);
CREATE INDEX program_events_seq ON program_events (seq);

-- Statements with a completion verb about an activity of a program.
CREATE TABLE completion_events (
    activity_id  BIGINT NOT NULL,
    agent_id     BIGINT NOT NULL,
    at_ms        BIGINT NOT NULL,
    seq          BIGINT NOT NULL,
    PRIMARY KEY (activity_id, agent_id, at_ms, seq)
);
CREATE INDEX completion_events_seq ON completion_events (seq);
