package data

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// diskFull wraps err in ErrDiskFull when it says the disk is full: SQLite's
// SQLITE_FULL (which is also what it answers when the system refuses to
// grow the database, its log or a temporary file with ENOSPC), or ENOSPC
// from a file of our own. Callers then need not know SQLite's codes.
func diskFull(err error) error {
	var se *sqlite.Error
	switch {
	case err == nil, errors.Is(err, ErrDiskFull):
		return err
	case errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL, errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	}
	return err
}

// IsDiskFull tells whether err, from the store or from a file the caller
// wrote, failed for want of disk space.
func IsDiskFull(err error) bool { return errors.Is(diskFull(err), ErrDiskFull) }

// SimulateFullDisk makes the writer refuse to grow the database, as a full
// disk does: from now on a write that needs one more page fails with
// SQLITE_FULL, while reads go on. It is for tests of the full-disk path
// and lasts until the store is closed.
func (s *Store) SimulateFullDisk(ctx context.Context) error {
	conn, err := s.writer.Conn(ctx) // the writer pool's one connection
	if err != nil {
		return err
	}
	defer conn.Close()
	var pages int64
	if err := conn.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages))
	return err
}
