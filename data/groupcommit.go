package data

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// Group commit. Grades arrive from many requests at once, and all writes
// go through one connection. Instead of one transaction per grade, a
// single goroutine takes every grade waiting, applies them one after the
// other (a refused grade writes nothing, so it leaves the others alone),
// and commits them together. A grade's caller hears back only after that
// commit, so a grade reported as applied is on disk. Commits are the
// expensive part of a write; sharing them is what lets the HTTP path keep
// up with the store. Between two batches it also starts the log over when
// the checkpointer asks (see checkpoint.go).

// maxBatch bounds how many grades share one commit, so a burst cannot
// hold the writer for long.
const maxBatch = 128

// ErrClosed is returned for work submitted after the store closed.
var ErrClosed = errors.New("the store is closed")

type gradeRequest struct {
	ctx     context.Context
	userID  int64
	g       Grade
	covered string
	done    chan gradeResponse
}

type gradeResponse struct {
	res GradeResult
	err error
}

type groupCommitter struct {
	s        *Store
	requests chan gradeRequest
	stop     chan struct{}
	stopped  sync.WaitGroup
	once     sync.Once
}

func newGroupCommitter(s *Store) *groupCommitter {
	gc := &groupCommitter{s: s, requests: make(chan gradeRequest), stop: make(chan struct{})}
	gc.stopped.Add(1)
	go gc.run()
	return gc
}

// grade submits one grade and waits for its commit.
func (gc *groupCommitter) grade(ctx context.Context, userID int64, g Grade, covered string) (GradeResult, error) {
	req := gradeRequest{ctx: ctx, userID: userID, g: g, covered: covered, done: make(chan gradeResponse, 1)}
	select {
	case gc.requests <- req:
	case <-gc.stop:
		return GradeResult{}, ErrClosed
	case <-ctx.Done():
		return GradeResult{}, ctx.Err()
	}
	// Once taken, the grade is applied or refused whatever the caller does
	// meanwhile; wait for the verdict so it is never reported wrongly.
	r := <-req.done
	return r.res, r.err
}

func (gc *groupCommitter) run() {
	defer gc.stopped.Done()
	for {
		var first gradeRequest
		select {
		case first = <-gc.requests:
		case <-gc.stop:
			return
		}
		batch := []gradeRequest{first}
	more:
		for len(batch) < maxBatch {
			select {
			case r := <-gc.requests:
				batch = append(batch, r)
			default:
				break more
			}
		}
		gc.commit(batch)
		if c := gc.s.checkpoints; c != nil && c.restart.Swap(false) {
			gc.s.restartLog(context.Background()) // if it gives up, the checkpointer asks again
		}
	}
}

// commit applies a batch in one transaction and answers every request.
func (gc *groupCommitter) commit(batch []gradeRequest) {
	out := make([]gradeResponse, len(batch))
	err := gc.apply(batch, out)
	if err != nil && len(batch) > 1 {
		// A grade failed in a way other than a refusal, possibly with half
		// its writes done; the transaction is rolled back. Apply each grade
		// alone, so that only the failing one fails.
		for i := range batch {
			out[i] = gradeResponse{}
			if err := gc.apply(batch[i:i+1], out[i:i+1]); err != nil {
				out[i] = gradeResponse{err: err}
			}
		}
	} else if err != nil {
		out[0] = gradeResponse{err: err}
	}
	for i := range batch {
		batch[i].done <- out[i]
	}
}

// apply runs a batch's grades in one transaction. A refused grade (not
// found, not up for review, invalid) is refused before it writes anything,
// so it leaves the others alone; any other error ends the transaction.
func (gc *groupCommitter) apply(batch []gradeRequest, out []gradeResponse) error {
	return gc.s.write(context.Background(), func(tx *sql.Tx) error {
		stx := stmtTx{tx, gc.s.wstmts}
		for i, r := range batch {
			if err := r.ctx.Err(); err != nil {
				out[i].err = err // the caller gave up before its turn: apply nothing
				continue
			}
			// Once begun, a grade is applied whatever its caller does.
			out[i].res, out[i].err = gc.s.gradeTx(context.WithoutCancel(r.ctx), stx, r.userID, r.g, r.covered)
			if err := out[i].err; err != nil && !refused(err) {
				return err
			}
		}
		return nil
	})
}

// refused tells the errors by which gradeTx turns a grade down before
// writing anything.
func refused(err error) bool {
	return errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid)
}

func (gc *groupCommitter) close() {
	gc.once.Do(func() { close(gc.stop) })
	gc.stopped.Wait()
}
