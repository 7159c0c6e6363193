-- Images on cards (issue 19). The bytes live in the database, so a backup
-- stays one file: media_blobs holds each distinct image once, named by
-- the SHA-256 of its bytes (after its location metadata was stripped);
-- media holds who owns which. The same picture uploaded by two people is
-- stored once and owned twice: each reference is its owner's alone, and an
-- image is served only to a user with a reference to it.
--
-- A user's quota counts the size of each of their references, whoever
-- else holds the same bytes. When the last reference to a blob goes (the
-- media sweep, a deleted account), the trigger deletes the blob.
CREATE TABLE media_blobs (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,       -- hex SHA-256 of data
    content_type TEXT NOT NULL,      -- sniffed from the bytes
    size INTEGER NOT NULL,
    data BLOB NOT NULL
);

CREATE TABLE media (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash TEXT NOT NULL REFERENCES media_blobs(hash),
    name TEXT NOT NULL,              -- the file's name as uploaded, for exports
    size INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, hash)
) WITHOUT ROWID;
CREATE INDEX media_by_hash ON media(hash);

CREATE TRIGGER media_delete_blob AFTER DELETE ON media
WHEN NOT EXISTS (SELECT 1 FROM media WHERE hash = OLD.hash) BEGIN
    DELETE FROM media_blobs WHERE hash = OLD.hash;
END;
