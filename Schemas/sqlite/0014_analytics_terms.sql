-- Skill and program IRIs become small integers in the fact tables (`analytics_terms`), which
-- makes their rows about half as long: cheaper to write on every statement, faster to scan.
-- The fact tables lose their index by statement: voiding derives the voided statement's fact
-- keys again from its stored body instead.
-- The fact tables are derived data: they are created again here and Tessera derives them for
-- existing statements right after this migration.
CREATE TABLE analytics_terms (
    id   INTEGER PRIMARY KEY,
    iri  TEXT NOT NULL UNIQUE
);

DROP TABLE skill_events;
CREATE TABLE skill_events (
    skill     INTEGER NOT NULL,   -- analytics_terms.id
    agent_id  INTEGER NOT NULL,
    at_ms     INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    kind      INTEGER NOT NULL,   -- 1 assessment verb with a score, 2 ADL passed with a score, 4 behaviour verb
    score     REAL,
    success   INTEGER,
    PRIMARY KEY (skill, agent_id, at_ms, seq)
) WITHOUT ROWID;

DROP TABLE proficiency;
CREATE TABLE proficiency (
    skill         INTEGER NOT NULL,
    agent_id      INTEGER NOT NULL,
    first_at      INTEGER NOT NULL,
    first_seq     INTEGER NOT NULL,
    first_score   REAL NOT NULL,
    latest_at     INTEGER NOT NULL,
    latest_seq    INTEGER NOT NULL,
    latest_score  REAL NOT NULL,
    PRIMARY KEY (skill, agent_id)
) WITHOUT ROWID;

-- Each learner's knowledge-retention baseline per skill, and its follow-up for the default
-- minimum gap (60 days): the learner's first assessment score at least 60 days after the
-- baseline. Other gaps are looked up per request.
DROP TABLE retention_baseline;
CREATE TABLE retention_baseline (
    skill         INTEGER NOT NULL,
    agent_id      INTEGER NOT NULL,
    at_ms         INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    score         REAL NOT NULL,
    follow_at     INTEGER,
    follow_seq    INTEGER,
    follow_score  REAL,
    PRIMARY KEY (skill, agent_id)
) WITHOUT ROWID;

DROP TABLE program_events;
CREATE TABLE program_events (
    program   INTEGER NOT NULL,   -- analytics_terms.id
    at_ms     INTEGER NOT NULL,
    agent_id  INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    PRIMARY KEY (program, at_ms, agent_id, seq)
) WITHOUT ROWID;

-- Statements with a completion verb about an activity of a program (catalog-dependent), keyed
-- for "each person's first completion of each activity"; `learning_events` needs no index by
-- activity for it.
DROP INDEX learning_events_activity;
CREATE TABLE completion_events (
    activity_id  INTEGER NOT NULL,
    agent_id     INTEGER NOT NULL,
    at_ms        INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    PRIMARY KEY (activity_id, agent_id, at_ms, seq)
) WITHOUT ROWID;

-- How many of `program_events` each (program, person) has: enrolment over all time without
-- scanning the events.
CREATE TABLE program_learners (
    program   INTEGER NOT NULL,
    agent_id  INTEGER NOT NULL,
    events    INTEGER NOT NULL,
    PRIMARY KEY (program, agent_id)
) WITHOUT ROWID;

-- How each day's assessments changed the proficiency report, per (skill, team, level): the
-- report as of the end of day D is the sum of the rows with day <= D, whatever the number of
-- learners. A learner counts in the row of the level their latest score falls in (-1: below
-- every level); `learners`, `score_sum`, `gain_learners` and `gain_sum` are the changes to that
-- row's count, sum of latest scores, learners with two or more scores and sum of their gains.
-- Maintained by the writer; rebuilt when a catalog or roster is loaded (levels and teams come
-- from them).
CREATE TABLE proficiency_days (
    skill          INTEGER NOT NULL,
    team           TEXT NOT NULL,
    level          INTEGER NOT NULL,
    day            INTEGER NOT NULL,   -- days since 1970-01-01 (UTC)
    learners       INTEGER NOT NULL,
    score_sum      REAL NOT NULL,
    gain_learners  INTEGER NOT NULL,
    gain_sum       REAL NOT NULL,
    PRIMARY KEY (skill, team, level, day)
) WITHOUT ROWID;

-- The same changes summed per span of 32 days (span = day / 32, rounded down), so that a
-- report as of a day reads whole spans here and only the days of the last span above, and the
-- report over everything stored reads only spans.
CREATE TABLE proficiency_spans (
    skill          INTEGER NOT NULL,
    team           TEXT NOT NULL,
    level          INTEGER NOT NULL,
    span           INTEGER NOT NULL,
    learners       INTEGER NOT NULL,
    score_sum      REAL NOT NULL,
    gain_learners  INTEGER NOT NULL,
    gain_sum       REAL NOT NULL,
    PRIMARY KEY (skill, team, level, span)
) WITHOUT ROWID;
