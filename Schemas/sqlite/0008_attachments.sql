-- Attachment content sent in multipart statement requests, stored once per hash however
-- many statements refer to it. Statements keep the attachment metadata (with sha2) in their
-- JSON; this table holds the octets.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    sha2          TEXT NOT NULL UNIQUE,   -- hexadecimal, as in the statement's attachment
    content_type  TEXT NOT NULL,
    content       BLOB NOT NULL
);
