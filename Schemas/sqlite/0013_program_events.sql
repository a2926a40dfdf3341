-- Statements about a program under the current catalog: whose object, context parent or
-- context grouping is the program or one of its activities (enrolment). Keyed for the
-- outcomes' "anyone with such a statement in [from, to]". Rebuilt when a catalog is loaded;
-- Tessera derives it for existing statements right after this migration.
CREATE TABLE program_events (
    program   TEXT NOT NULL,
    at_ms     INTEGER NOT NULL,
    agent_id  INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    PRIMARY KEY (program, at_ms, agent_id, seq)
) WITHOUT ROWID;
CREATE INDEX program_events_seq ON program_events (seq);
