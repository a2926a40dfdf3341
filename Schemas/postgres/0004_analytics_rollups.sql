-- Roll-ups of the learning facts that the reports read instead of aggregating the facts on
-- every request: each learner's first and latest assessment per skill, their knowledge-
-- retention baseline per skill, and how many enrolment events each (program, person) has.
-- The writer keeps them in each statement's transaction, recomputes the pairs a voiding or an
-- erasure touches, and rebuilds them when a catalog is loaded; here they are filled from the
-- facts already stored.

-- Each learner's first and latest assessment score per skill (ties in time broken by seq).
CREATE TABLE proficiency (
    skill         BIGINT NOT NULL,
    agent_id      BIGINT NOT NULL,
    first_at      BIGINT NOT NULL,
    first_seq     BIGINT NOT NULL,
    first_score   DOUBLE PRECISION NOT NULL,
    latest_at     BIGINT NOT NULL,
    latest_seq    BIGINT NOT NULL,
    latest_score  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (skill, agent_id)
);

-- Each learner's first ADL `passed` score per skill (ties in time broken by seq).
CREATE TABLE retention_baseline (
    skill     BIGINT NOT NULL,
    agent_id  BIGINT NOT NULL,
    at_ms     BIGINT NOT NULL,
    seq       BIGINT NOT NULL,
    score     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (skill, agent_id)
);

-- How many of `program_events` each (program, person) has.
CREATE TABLE program_learners (
    program   BIGINT NOT NULL,
    agent_id  BIGINT NOT NULL,
    events    BIGINT NOT NULL,
    PRIMARY KEY (program, agent_id)
);

INSERT INTO proficiency
SELECT f.skill, f.agent_id, f.at_ms, f.seq, f.score, l.at_ms, l.seq, l.score
FROM (SELECT DISTINCT ON (skill, agent_id) skill, agent_id, at_ms, seq, score FROM skill_events WHERE kind & 1 != 0
      ORDER BY skill, agent_id, at_ms, seq) f
JOIN (SELECT DISTINCT ON (skill, agent_id) skill, agent_id, at_ms, seq, score FROM skill_events WHERE kind & 1 != 0
      ORDER BY skill, agent_id, at_ms DESC, seq DESC) l USING (skill, agent_id);

INSERT INTO retention_baseline
SELECT DISTINCT ON (skill, agent_id) skill, agent_id, at_ms, seq, score FROM skill_events WHERE kind & 2 != 0
ORDER BY skill, agent_id, at_ms, seq;

INSERT INTO program_learners SELECT program, agent_id, COUNT(*) FROM program_events GROUP BY program, agent_id;
