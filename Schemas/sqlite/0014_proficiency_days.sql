-- How each day's assessments changed the proficiency report, per (skill, team, level): the
-- report as of the end of day D is the sum of the rows with day <= D, whatever the number of
-- learners. A learner counts in the row of the level their latest score falls in (-1: below
-- every level); `learners`, `score_sum`, `gain_learners` and `gain_sum` are the changes to that
-- row's count, sum of latest scores, learners with two or more scores and sum of their gains.
-- Maintained by the writer; rebuilt when a catalog or roster is loaded (levels and teams come
-- from them). Tessera derives it for existing statements right after this migration.
CREATE TABLE proficiency_days (
    skill          TEXT NOT NULL,
    team           TEXT NOT NULL,
    level          INTEGER NOT NULL,
    day            INTEGER NOT NULL,   -- days since 1970-01-01 (UTC)
    learners       INTEGER NOT NULL,
    score_sum      REAL NOT NULL,
    gain_learners  INTEGER NOT NULL,
    gain_sum       REAL NOT NULL,
    PRIMARY KEY (skill, team, level, day)
) WITHOUT ROWID;

-- Each knowledge-retention baseline's follow-up for the default minimum gap (60 days): the
-- learner's first assessment score on the skill at least 60 days after the baseline. Other gaps
-- are looked up per request.
ALTER TABLE retention_baseline ADD COLUMN follow_at INTEGER;
ALTER TABLE retention_baseline ADD COLUMN follow_seq INTEGER;
ALTER TABLE retention_baseline ADD COLUMN follow_score REAL;
