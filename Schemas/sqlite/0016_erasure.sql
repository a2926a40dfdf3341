-- Erasure of a person (docs/audit.md "Erasure"). An erased statement leaves `statements` (and
-- every table that indexes it) and leaves a tombstone here: its seq and id, so that its chain
-- row still verifies and a client re-sending the statement does not store it again. Nothing
-- in a tombstone identifies the person.
CREATE TABLE erased_statements (
    seq        INTEGER PRIMARY KEY,      -- statements.seq it had (its statement_chain row stays)
    id         BLOB NOT NULL UNIQUE,     -- its 16-byte UUID
    stored_ms  INTEGER NOT NULL,         -- when it had been stored
    erasure    INTEGER NOT NULL          -- audit_log.id of the erasure that removed it
);

-- What was done to the records beyond storing statements: one row per erasure, hash-chained
-- like the statements (`chain` = SHA-256(previous chain || SHA-256(entry)), from 32 zero
-- bytes), each entry the JSON line `GET /export/audit-log` returns. The person is named only
-- by the SHA-256 of their agent key.
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    entry  BLOB NOT NULL,
    chain  BLOB NOT NULL
);

-- Which statements refer to which attachment content, so that an erasure deletes content no
-- remaining statement refers to.
CREATE TABLE statement_attachments (
    sha2  TEXT NOT NULL,      -- attachments.sha2
    seq   INTEGER NOT NULL,   -- statements.seq
    PRIMARY KEY (sha2, seq)
) WITHOUT ROWID;
CREATE INDEX statement_attachments_seq ON statement_attachments (seq);

INSERT OR IGNORE INTO statement_attachments (sha2, seq)
SELECT lower(json_extract(a.value, '$.sha2')), s.seq
FROM statements s, json_each(CAST(s.body AS TEXT), '$.attachments') a
WHERE EXISTS (SELECT 1 FROM attachments) AND instr(s.body, '"attachments"') > 0;
