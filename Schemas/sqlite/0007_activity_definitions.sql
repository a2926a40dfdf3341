-- The Activities resource's canonical definitions: for each activity, the definitions sent in
-- statements by credentials allowed to define activities (scope `define` or `all`), merged in
-- storage order — language maps and extensions merge by key, other members are replaced.
CREATE TABLE activity_definitions (
    activity_id INTEGER PRIMARY KEY,   -- activities.id
    definition  BLOB NOT NULL          -- JSON object
);
