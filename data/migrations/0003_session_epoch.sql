-- A session stays ended. Every user has a session epoch that a password
-- change moves on, in the same transaction that deletes the user's
-- sessions; a session row records the epoch it was made in and is valid
-- only while the two agree. So a log-in whose password check ran before
-- the change cannot store a session after it.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
