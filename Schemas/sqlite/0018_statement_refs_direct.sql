-- statement_refs now holds direct references only: one row per statement whose object is a
-- StatementRef to a stored statement (referrer -> target). Queries walk chains of references
-- with a recursive query, so storage and write time stay linear in the statements stored; the
-- closure kept since 0004 grew with the square of a chain's length (issue 18).
DELETE FROM statement_refs;

INSERT OR IGNORE INTO statement_refs (referrer, target)
SELECT r.seq, t.seq FROM statements r JOIN statements t ON t.id = r.object_statement;
