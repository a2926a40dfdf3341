-- Facts about the database itself, by name. `facts_incomplete` is set while Tessera runs
-- with analytics off (no learning facts are recorded); the next start with analytics on
-- derives them again from the stored statements.
CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
