-- The hash chain over stored statements, in storage order: for the statement at `seq`,
-- `content` = SHA-256(its stored body) and `chain` = SHA-256(previous chain || content), the
-- first statement's previous chain being 32 zero bytes. Written by the writer in the
-- statement's transaction; an erased statement keeps its row here, so the chain still verifies.
-- Tessera fills it for existing statements right after this migration.
CREATE TABLE statement_chain (
    seq      INTEGER PRIMARY KEY,   -- statements.seq
    content  BLOB NOT NULL,
    chain    BLOB NOT NULL
);
