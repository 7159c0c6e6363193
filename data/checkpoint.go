package data

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// Checkpoints. In WAL mode a commit appends to the log, and SQLite copies
// the log back into the database file (a checkpoint, with an fsync of each)
// when the log reaches wal_autocheckpoint pages, inside the commit that
// crossed the line. That commit is the single writer's, so every grade
// waiting for it waits for the disk too. Instead a goroutine checkpoints on
// a connection of its own every checkpointEvery, beside the writer (PASSIVE
// mode blocks neither the writer nor the readers). The writer's own
// checkpoint stays as a backstop, at walBackstopPages, for a log that
// outgrows the background one under sustained load.
const (
	checkpointEvery  = 200 * time.Millisecond
	walBackstopPages = 10_000 // 40 MB of 4 KiB pages
)

type checkpointer struct {
	db      *sql.DB
	stop    chan struct{}
	stopped sync.WaitGroup
}

func startCheckpointer(path string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn(path, false, "busy_timeout(5000)"))
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
			c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
		case <-c.stop:
			return
		}
	}
}

func (c *checkpointer) close() error {
	close(c.stop)
	c.stopped.Wait()
	return c.db.Close()
}
