-- Statements that target other statements (a StatementRef object), each with every statement
-- it reaches through such references, directly or along a chain. A query that matches a
-- targeted statement also returns the statements that target it (xAPI Communication 2.1.3,
-- "Filter Conditions for StatementRefs"). The writer keeps this table whole, whichever of the
-- two statements arrives first.
CREATE TABLE statement_refs (
    referrer INTEGER NOT NULL,   -- statements.seq of the targeting statement
    target   INTEGER NOT NULL,   -- statements.seq of a statement it reaches
    PRIMARY KEY (referrer, target)
) WITHOUT ROWID;

CREATE INDEX statement_refs_target ON statement_refs (target);

WITH RECURSIVE reach (referrer, target) AS (
    SELECT r.seq, t.seq FROM statements r JOIN statements t ON t.id = r.object_statement
    UNION
    SELECT reach.referrer, t.seq
    FROM reach JOIN statements m ON m.seq = reach.target JOIN statements t ON t.id = m.object_statement
)
INSERT INTO statement_refs (referrer, target) SELECT referrer, target FROM reach;
