package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Checkpoints. In WAL mode a commit appends to the log, and SQLite copies
// the log back into the database file (a checkpoint, with an fsync of each)
// when the log reaches wal_autocheckpoint pages, inside the commit that
// crossed the line. That commit is the single writer's, so every grade
// waiting for it waits for the disk too. Instead a goroutine checkpoints on
// a connection of its own every checkpointEvery, beside the writer (PASSIVE
// mode blocks neither the writer nor the readers).
//
// A PASSIVE checkpoint cannot start the log over: under steady load the
// writer appends while it copies, and readers keep using the log. The log
// would grow without end. So once it holds walRestartPages, the goroutine
// asks the writer, and the group committer runs a RESTART checkpoint
// between two batches: it copies what the last PASSIVE one left, syncs, and
// waits (at most restartWait) for the readers of the old log, so that the
// next commit starts the log over. The writer's own automatic checkpoint
// stays as a backstop at walBackstopPages.
const (
	checkpointEvery  = 200 * time.Millisecond
	walRestartPages  = 8_000  // 32 MB of 4 KiB pages
	walBackstopPages = 20_000 // 80 MB
	restartWait      = 10 * time.Millisecond
)

type checkpointer struct {
	restart atomic.Bool // the log is long: the writer should start it over
	db      *sql.DB
	stop    chan struct{}
	stopped sync.WaitGroup
}

func startCheckpointer(path string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn(path, false, fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds())))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, stop: make(chan struct{})}
	c.stopped.Add(1)
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer c.stopped.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			// A failed checkpoint is retried at the next tick, and the
			// writer's backstop bounds the log meanwhile.
			var busy, log, copied int
			err := c.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied)
			if err == nil && log >= walRestartPages {
				c.restart.Store(true)
			}
		case <-c.stop:
			return
		}
	}
}

// catchUp runs a PASSIVE checkpoint now, on the checkpointer's own
// connection, beside the writer. An import runs it before it starts the
// log over between two chunks: the RESTART, which holds the writer, then
// finds little left to copy.
func (c *checkpointer) catchUp(ctx context.Context) {
	var busy, log, copied int
	c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied) // the next tick retries a failure
}

func (c *checkpointer) close() error {
	close(c.stop)
	c.stopped.Wait()
	return c.db.Close()
}

// restartLog runs a RESTART checkpoint on the writer's connection, which
// the caller keeps from other writes meanwhile, and reports whether it
// completed. A reader that holds the old log longer than restartWait (an
// export streaming its file) makes it give up; the next request tries again.
func (s *Store) restartLog(ctx context.Context) (bool, error) {
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", restartWait.Milliseconds())); err != nil {
		return false, err
	}
	var busy, log, copied int
	err = conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(RESTART)").Scan(&busy, &log, &copied)
	_, rerr := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeout.Milliseconds()))
	return err == nil && busy == 0, errors.Join(err, rerr)
}
