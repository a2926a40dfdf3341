-- Each learner's knowledge-retention baseline per skill: their first ADL `passed` statement
-- with a score on the skill (ties in time broken by seq). Maintained like `proficiency`;
-- Tessera derives it for existing statements right after this migration.
CREATE TABLE retention_baseline (
    skill     TEXT NOT NULL,
    agent_id  INTEGER NOT NULL,
    at_ms     INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    score     REAL NOT NULL,
    PRIMARY KEY (skill, agent_id)
) WITHOUT ROWID;
