-- How each day's assessments changed the proficiency report, per (skill, team, level), so that
-- the report as of the end of a day is a sum over earlier days whatever the number of
-- learners: the model of the SQLite schema's (Schemas/sqlite 0014). A learner's standing in a
-- skill after an assessment (first and latest score so far) adds one learner and the latest
-- score to its level's row, and with two scores or more one gain learner and latest minus
-- first; each assessment replaces the standing before it, on its day. The writer keeps both
-- tables (`PostgresProficiencyDays`), and fills them right after this migration.
CREATE TABLE proficiency_days (
    skill          BIGINT NOT NULL,             -- analytics_terms.id
    team           TEXT NOT NULL,               -- the roster team, or "(unassigned)"
    level          INTEGER NOT NULL,            -- index into the catalog's levels; -1 below every level
    day            BIGINT NOT NULL,             -- days since 1970-01-01 (UTC)
    learners       BIGINT NOT NULL,
    score_sum      DOUBLE PRECISION NOT NULL,
    gain_learners  BIGINT NOT NULL,
    gain_sum       DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (skill, team, level, day)
);

-- The same changes summed per span of 32 days (span = day / 32, rounded down): a report as of
-- a day reads whole spans here and only the days of the last span above.
CREATE TABLE proficiency_spans (
    skill          BIGINT NOT NULL,
    team           TEXT NOT NULL,
    level          INTEGER NOT NULL,
    span           BIGINT NOT NULL,
    learners       BIGINT NOT NULL,
    score_sum      DOUBLE PRECISION NOT NULL,
    gain_learners  BIGINT NOT NULL,
    gain_sum       DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (skill, team, level, span)
);
