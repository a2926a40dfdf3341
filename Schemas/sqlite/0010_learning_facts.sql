-- Learning facts, maintained by the writer in each statement's transaction and removed when
-- the statement is voided, so that analytics never read statement JSON per request.
-- statement_activities.role gains bits for the context roles analytics asks about:
-- 2 parent, 4 grouping, 8 category (1 remains the object). Existing rows are filled in by
-- Tessera right after this migration (LearningFacts.rebuild).

-- What every statement with an identified Agent as actor says, catalog or not.
CREATE TABLE learning_events (
    seq          INTEGER PRIMARY KEY,   -- statements.seq
    agent_id     INTEGER NOT NULL,      -- agents.id of the actor
    verb_id      INTEGER NOT NULL,
    activity_id  INTEGER,               -- the object activity
    at_ms        INTEGER NOT NULL,      -- the statement's timestamp
    score        REAL,                  -- scaled, else (raw - min) / (max - min)
    success      INTEGER                -- 1, 0 or NULL
);
CREATE INDEX learning_events_activity ON learning_events (activity_id, at_ms) WHERE activity_id IS NOT NULL;

-- Statements about a skill under the current catalog, one row per (statement, skill), for
-- the verbs analytics counts. kind bits: 1 assessment verb with a score, 2 ADL passed with a
-- score, 4 behaviour verb. Rebuilt when a catalog is loaded.
CREATE TABLE skill_events (
    skill     TEXT NOT NULL,
    agent_id  INTEGER NOT NULL,
    at_ms     INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    kind      INTEGER NOT NULL,
    score     REAL,
    success   INTEGER,
    PRIMARY KEY (skill, agent_id, at_ms, seq)
) WITHOUT ROWID;
CREATE INDEX skill_events_seq ON skill_events (seq);

-- Each learner's first and latest assessment score per skill (ties in time broken by seq).
CREATE TABLE proficiency (
    skill         TEXT NOT NULL,
    agent_id      INTEGER NOT NULL,
    first_at      INTEGER NOT NULL,
    first_seq     INTEGER NOT NULL,
    first_score   REAL NOT NULL,
    latest_at     INTEGER NOT NULL,
    latest_seq    INTEGER NOT NULL,
    latest_score  REAL NOT NULL,
    PRIMARY KEY (skill, agent_id)
) WITHOUT ROWID;
