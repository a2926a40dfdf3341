-- Statement volume for the dashboard: learning statements (rows of `learning_events`) counted
-- per UTC day of their timestamp and the learner's roster team ('(unassigned)' for learners on
-- no roster or in no team). The writer keeps it as statements arrive, are voided or erased,
-- and rebuilds it when the roster changes; Tessera fills it for stored statements right after
-- this migration (LearningVolume.rebuild).
CREATE TABLE learning_days (
    day         INTEGER NOT NULL,   -- days since 1970-01-01 (UTC)
    team        TEXT NOT NULL,
    statements  INTEGER NOT NULL,
    PRIMARY KEY (day, team)
) WITHOUT ROWID;
