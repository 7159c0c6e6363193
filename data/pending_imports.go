package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/flashcards/flashcards/data/draft"
)

// Chunked imports. Every write goes through one connection, so an import
// written in one transaction holds up every other user for as long as it
// runs: 200,000 rows took over a minute, and grades and log-ins waited
// that long. An import now writes in transactions of at most importChunk
// each, and lets the writer go between them, so other users' grades run
// in between, and it stays all or nothing for its user:
//
//   - Its first transaction adds a row to pending_imports holding the id
//     its first card gets. Every read of the user's cards stops below that
//     id (visibleBelow), so until the import ends its cards show nowhere:
//     not in the queue, the card list, mastery, statistics or exports.
//     While the row is there the user's other card inserts are refused,
//     so every card of the user from that id on is the import's.
//   - The last transaction deletes the row: one short write makes the
//     whole import appear at once. An import that fits in one chunk never
//     shows its row to anyone.
//   - An import that fails or is cancelled deletes its cards, in chunks
//     too, then the decks and categories it created, then its row. One
//     whose process died leaves its row. The row names a file its writer
//     holds a lock on while it runs (holdImportLock); once that lock is
//     free, or the row has not been touched for StaleImportAfter, serve's
//     start-up and its sweep remove the import (RemoveUnfinishedImports),
//     and so does the user's next import. A command-line import running
//     while the server starts holds its lock and goes on.
//
// Counts kept by triggers stay true at every step: new_cards counts the
// pending cards too, pending_imports.new_cards counts them apart (kept by
// the triggers of migration 0004), and the day's queue takes them off.
// The history a restore or an Anki package brings is counted in day_counts
// as it is written: that matters only for reviews of today, which then
// count against today's limits a few seconds early, and the queue's count
// of re-drills may include such a card before it shows.

// MaxImportCards is the most cards one import may bring, whatever its
// format (a card table, a Q&A write-up, a restore, an Anki package);
// checked before anything is written.
const MaxImportCards = draft.MaxImportCards

// importCardLimit is the limit the importers check: MaxImportCards, which
// tests lower to try it on small files.
var importCardLimit = MaxImportCards

const (
	// defaultImportChunk bounds how long one transaction of an import holds
	// the writer, measured in time, not rows: a grade arriving meanwhile
	// waits at most about this long.
	defaultImportChunk = 50 * time.Millisecond
	// StaleImportAfter is how long a pending import may go without a chunk
	// before it is taken for dead: another import of its user removes it,
	// and so does the server's sweep (RemoveUnfinishedImports).
	StaleImportAfter = time.Minute
	// removeBatch is how many cards one statement of a removal deletes.
	removeBatch = 256
	// importChunkShare is what a chunk may take when another write waits
	// for the writer: a fifth of a full chunk.
	importChunkShare = 5
)

// chunkClock says when the step of an import's chunk is over: at its
// deadline, or once another write waits for the writer and the chunk has
// had its share. A grade arriving then waits some 10 ms, not the whole
// chunk, and an import alone goes on in full chunks.
type chunkClock struct {
	s               *Store
	share, deadline time.Time
}

// startChunkClock starts the clock of a chunk that began at began, leaving
// overhead for what the transaction does after its step.
func (s *Store) startChunkClock(began time.Time, overhead time.Duration) *chunkClock {
	full := max(s.importChunk-overhead, s.importChunk/importChunkShare)
	return &chunkClock{s: s, share: began.Add(full / importChunkShare), deadline: began.Add(full)}
}

func (c *chunkClock) over() bool {
	now := time.Now()
	return !now.Before(c.deadline) || !now.Before(c.share) && c.s.writersWaiting.Load() > 0
}

// tooManyCards is the error for a file of n cards, over the limit.
func tooManyCards(n int) error {
	return Errorf(ErrInvalid, "The file has %s cards; one import takes at most %s", groupDigits(n), groupDigits(importCardLimit))
}

// groupDigits writes 1000000 as 1,000,000.
func groupDigits(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// visibleBelow is the SQL for the first card id a read of one user's cards
// must not reach: the first card of the user's pending import, or no
// bound. param is the placeholder of the user id. Comparing card ids keeps
// it cheap: every index of cards, card_state and reviews holds the card id.
func visibleBelow(param string) string {
	return "COALESCE((SELECT first_card FROM pending_imports WHERE user_id = " + param + "), 9223372036854775807)"
}

// madeByPendingImport is the SQL for the ids of the decks or categories
// (column "decks" or "categories") the user's import still being written
// created, which lists leave out with it; param is the user id's
// placeholder.
func madeByPendingImport(column, param string) string {
	return "(SELECT value FROM json_each((SELECT " + column + " FROM pending_imports WHERE user_id = " + param + ")))"
}

// errImportStopped means the pending import's row was taken over: its
// writer died in the eyes of another process, which removes it.
var errImportStopped = Errorf(ErrConflict, "The import was stopped before it finished (the server restarted, or it stalled); nothing of it was kept, import the file again")

// errPendingImport refuses a write that would add to or take from a user's
// cards while an import of theirs is being written.
var errPendingImport = Errorf(ErrConflict, "An import into this account is still running; try again when it has finished")

// noPendingImport refuses, inside a write transaction, while the user has a
// pending import: its cards are the only ones that may be added meanwhile.
func noPendingImport(ctx context.Context, tx *sql.Tx, userID int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM pending_imports WHERE user_id = ?", userID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errPendingImport
	}
	return nil
}

// importJob is one import's work, which runImport spreads over chunks.
type importJob interface {
	// prepare runs before each chunk, outside any transaction: work that
	// need not hold the writer (rendering cards) belongs here.
	prepare(ctx context.Context) error
	// begin runs first in the first transaction: it reads what the import
	// checks against and creates what its cards need (decks, categories),
	// telling p about what it created.
	begin(ctx context.Context, tx *sql.Tx, p *pendingImport) error
	// step writes cards until clock says the chunk is over or the end, and
	// says whether it got there; it writes at least one row, so that every
	// chunk gets on. Each card inserted is passed to p.inserted.
	step(ctx context.Context, tx *sql.Tx, p *pendingImport, clock *chunkClock) (done bool, err error)
	// finish runs in the last transaction, before the commit.
	finish(ctx context.Context, tx *sql.Tx) error
}

// pendingImport is the bookkeeping of one import in progress.
type pendingImport struct {
	userID    int64
	token     int64
	firstCard int64
	owner     string // the lock file its writer holds (holdImportLock)
	started   bool   // its row exists
	decks     []int64
	cats      []int64
}

// createdDeck and createdCategory record what the import made, to be
// removed with its cards should it fail.
func (p *pendingImport) createdDeck(ctx context.Context, tx *sql.Tx, id int64) error {
	p.decks = append(p.decks, id)
	return p.record(ctx, tx, "decks", id)
}

func (p *pendingImport) createdCategory(ctx context.Context, tx *sql.Tx, id int64) error {
	p.cats = append(p.cats, id)
	return p.record(ctx, tx, "categories", id)
}

func (p *pendingImport) record(ctx context.Context, tx *sql.Tx, column string, id int64) error {
	if !p.started {
		return nil // begin runs before the row is written; start writes the lists
	}
	_, err := tx.ExecContext(ctx, "UPDATE pending_imports SET "+column+" = json_insert("+column+", '$[#]', ?) WHERE user_id = ?", id, p.userID)
	return err
}

// inserted checks a new card's id: one below firstCard would show before
// the import ends, which must never happen.
func (p *pendingImport) inserted(id int64) error {
	if id < p.firstCard {
		return fmt.Errorf("import: card %d stored below the import's first card %d", id, p.firstCard)
	}
	return nil
}

// errStaleImport asks runImport to remove a dead import before it starts.
type errStaleImport struct{ token int64 }

func (e errStaleImport) Error() string { return "a pending import of this user is stale" }

// start writes the import's row. Another import of the user still running
// refuses it; one whose writer died is reported for removal.
func (p *pendingImport) start(ctx context.Context, tx *sql.Tx, now time.Time) error {
	var token int64
	var heartbeat, owner string
	err := tx.QueryRowContext(ctx, "SELECT token, heartbeat_at, owner FROM pending_imports WHERE user_id = ?", p.userID).Scan(&token, &heartbeat, &owner)
	switch {
	case err == nil:
		if importDead(heartbeat, owner, now, StaleImportAfter) {
			return errStaleImport{token}
		}
		return errPendingImport
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM cards").Scan(&p.firstCard); err != nil {
		return err
	}
	at := formatTime(now)
	_, err = tx.ExecContext(ctx, `INSERT INTO pending_imports (user_id, token, first_card, decks, categories, started_at, heartbeat_at, owner)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.userID, p.token, p.firstCard, jsonIDs(p.decks), jsonIDs(p.cats), at, at, p.owner)
	p.started = err == nil
	return err
}

// importDead says whether a pending import's writer is gone: its lock
// file is free, or its row has not beaten for olderThan.
func importDead(heartbeat, owner string, now time.Time, olderThan time.Duration) bool {
	if at, err := parseTime(heartbeat); err == nil && now.Sub(at) > olderThan {
		return true
	}
	return !importWriterAlive(owner)
}

func jsonIDs(ids []int64) string {
	b := []byte("[")
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Append(b, id)
	}
	return string(append(b, ']'))
}

// check makes sure, at the start of a chunk, that the import's row is still
// its own: a start-up or a later import may have taken it for dead.
func (p *pendingImport) check(ctx context.Context, tx *sql.Tx) error {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM pending_imports WHERE user_id = ? AND token = ? AND status = 'writing'",
		p.userID, p.token).Scan(&n)
	if err == nil && n == 0 {
		return errImportStopped
	}
	return err
}

func (p *pendingImport) heartbeat(ctx context.Context, tx *sql.Tx, now time.Time) error {
	_, err := tx.ExecContext(ctx, "UPDATE pending_imports SET heartbeat_at = ? WHERE user_id = ? AND token = ?", formatTime(now), p.userID, p.token)
	return err
}

// runImport runs job in chunks of at most s.importChunk each, all or
// nothing: when it fails or ctx ends, what it wrote is removed.
func (s *Store) runImport(ctx context.Context, userID int64, job importJob) error {
	owner, release, err := s.temp.holdImportLock()
	if err != nil {
		return err
	}
	defer release()
	p := &pendingImport{userID: userID, token: rand.Int64N(1<<62) + 1, owner: owner}
	// overhead is what a chunk spends around its step (the checks, the
	// heartbeat, the commit, which writes the chunk to the log), learnt
	// from the chunks before, so that the whole transaction, not only
	// the step, stays within s.importChunk.
	var overhead time.Duration
	for chunk := 0; ; chunk++ {
		if err := job.prepare(ctx); err != nil {
			return s.abandonImport(ctx, p, err)
		}
		done := false
		var began time.Time
		var stepped time.Duration
		err := s.write(ctx, func(tx *sql.Tx) error {
			began = time.Now()
			clock := s.startChunkClock(began, overhead)
			now := s.now()
			if chunk == 0 {
				if err := job.begin(ctx, tx, p); err != nil {
					return err
				}
				// After begin, which may delete cards: the first card's id
				// is one above the largest left.
				if err := p.start(ctx, tx, now); err != nil {
					return err
				}
			} else if err := p.check(ctx, tx); err != nil {
				return err
			}
			var err error
			if done, err = job.step(ctx, tx, p, clock); err != nil {
				return err
			}
			stepped = time.Since(began)
			if !done {
				return p.heartbeat(ctx, tx, now)
			}
			if err := job.finish(ctx, tx); err != nil {
				return err
			}
			// The commit: the cards show from now on.
			_, err = tx.ExecContext(ctx, "DELETE FROM pending_imports WHERE user_id = ? AND token = ?", userID, p.token)
			return err
		})
		var stale errStaleImport
		if chunk == 0 && errors.As(err, &stale) {
			// A dead import of the user's is in the way: remove it and start over.
			if err := s.removeImport(ctx, userID, stale.token); err != nil && !errors.Is(err, errImportStopped) {
				return err
			}
			p = &pendingImport{userID: userID, token: p.token, owner: owner}
			chunk = -1
			continue
		}
		if err != nil {
			if chunk == 0 {
				return err // rolled back: nothing was written
			}
			return s.abandonImport(ctx, p, err)
		}
		if done {
			return nil
		}
		overhead = (overhead + time.Since(began) - stepped) / 2
		if s.importChunkDone != nil {
			s.importChunkDone(chunk)
		}
		// Between two chunks, start the log over when the checkpointer
		// asks, as the group committer does between batches: a large
		// import would otherwise grow the log to the backstop. Its chunks
		// are what fills the log, so it copies them first, beside the
		// writer: the restart then holds the writer a few milliseconds,
		// not the 100-250 ms a log full of chunks took.
		if c := s.checkpoints; c != nil && c.restart.Load() {
			c.catchUp(ctx)
			if c.restart.Swap(false) {
				s.restartLog(context.WithoutCancel(ctx))
			}
		}
		if err := ctx.Err(); err != nil {
			return s.abandonImport(ctx, p, err)
		}
	}
}

// abandonImport removes what a failed import wrote and returns its error.
// The removal outlives ctx; if it fails too, start-up finishes it.
func (s *Store) abandonImport(ctx context.Context, p *pendingImport, cause error) error {
	if !p.started || errors.Is(cause, errImportStopped) {
		return cause
	}
	if err := s.removeImport(context.WithoutCancel(ctx), p.userID, p.token); err != nil && !errors.Is(err, errImportStopped) {
		return errors.Join(cause, fmt.Errorf("removing the unfinished import (start-up will): %w", err))
	}
	return cause
}

// removeImport deletes a pending import's cards, with their state and
// history, in chunks of at most s.importChunk, then the decks and
// categories it created that hold no card, then its row. Its writer, if
// alive, stops at its next chunk. errImportStopped when the row is gone or
// another's.
func (s *Store) removeImport(ctx context.Context, userID, token int64) error {
	for {
		done := false
		err := s.write(ctx, func(tx *sql.Tx) error {
			var first int64
			err := tx.QueryRowContext(ctx, "SELECT first_card FROM pending_imports WHERE user_id = ? AND token = ?", userID, token).Scan(&first)
			if errors.Is(err, sql.ErrNoRows) {
				return errImportStopped
			}
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE pending_imports SET status = 'removing', heartbeat_at = ? WHERE user_id = ?",
				formatTime(s.now()), userID); err != nil {
				return err
			}
			clock := s.startChunkClock(time.Now(), 0)
			for !clock.over() {
				// The history first, while its cards exist: then the
				// grades it brought leave the day's counts as an undo's
				// do (migration 0005), since the import never happened.
				if _, err := tx.ExecContext(ctx, `DELETE FROM reviews WHERE card_id IN
					(SELECT id FROM cards WHERE user_id = ? AND id >= ? ORDER BY id LIMIT ?)`, userID, first, removeBatch); err != nil {
					return err
				}
				res, err := tx.ExecContext(ctx, `DELETE FROM cards WHERE id IN
					(SELECT id FROM cards WHERE user_id = ? AND id >= ? ORDER BY id LIMIT ?)`, userID, first, removeBatch)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n < removeBatch {
					done = true
					break
				}
			}
			if !done {
				return nil
			}
			// The decks and categories it made, unless a card is in them.
			if _, err := tx.ExecContext(ctx, `DELETE FROM decks WHERE user_id = ?1
				AND id IN (SELECT value FROM json_each((SELECT decks FROM pending_imports WHERE user_id = ?1)))
				AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.deck_id = decks.id)`, userID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM categories WHERE user_id = ?1
				AND id IN (SELECT value FROM json_each((SELECT categories FROM pending_imports WHERE user_id = ?1)))
				AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.user_id = ?1 AND c.category_id = categories.id)`, userID); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, "DELETE FROM pending_imports WHERE user_id = ? AND token = ?", userID, token)
			return err
		})
		if err != nil || done {
			return err
		}
	}
}

// RemoveUnfinishedImports removes the imports left half-written by a
// process that died, with their cards: every pending import whose writer
// no longer holds its lock file, or whose last chunk is older than
// olderThan (a writer alive but stuck). Serve's start-up and its sweep
// call it with StaleImportAfter; an import another process is writing
// meanwhile goes on.
func (s *Store) RemoveUnfinishedImports(ctx context.Context, olderThan time.Duration) (int, error) {
	type pending struct{ user, token int64 }
	var stale []pending
	rows, err := s.reader.QueryContext(ctx, "SELECT user_id, token, heartbeat_at, owner FROM pending_imports")
	if err != nil {
		return 0, err
	}
	now := s.now()
	for rows.Next() {
		var p pending
		var heartbeat, owner string
		if err := rows.Scan(&p.user, &p.token, &heartbeat, &owner); err != nil {
			rows.Close()
			return 0, err
		}
		if importDead(heartbeat, owner, now, olderThan) {
			stale = append(stale, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	removed := 0
	for _, p := range stale {
		err := s.removeImport(ctx, p.user, p.token)
		if errors.Is(err, errImportStopped) {
			continue // removed by another meanwhile
		}
		if err != nil {
			return removed, err
		}
		removed++
	}
	return removed, nil
}
