-- Which process writes a pending import: the path of a file that process
-- holds a lock on for as long as the import runs (data/tempdir.go). The
-- server's start-up removes an import only when that lock is free, so a
-- command-line import running while the server starts goes on. '' (a row
-- from before this column) counts as a writer that is gone.
ALTER TABLE pending_imports ADD COLUMN owner TEXT NOT NULL DEFAULT '';
