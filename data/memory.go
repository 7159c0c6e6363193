package data

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/flashcards/flashcards/srs"
)

// Each card's FSRS memory state (srs.NextMemory) lives in card_state beside
// its SM-2 state: gradeTx moves it on every grade, and every review row
// keeps the state from before it, for undo. This file computes it for the
// cards whose log was written without it: restored and imported ones, and
// those reviewed before migration 0006.

// memoryFold follows one card's memory state through its review log,
// oldest first, the way gradeTx moves it one grade at a time. Folding a
// whole log gives srs.ReplayMemory of it.
type memoryFold struct {
	m        srs.Memory
	day      srs.Day // study day of the last review; meaningful when reviewed
	reviewed bool
}

// add applies one review and returns the state from before it as a review
// row stores it: stability and difficulty, and the study day (nil when the
// card had never been reviewed).
func (f *memoryFold) add(day srs.Day, g srs.Grade) (before srs.Memory, beforeDay any) {
	before, beforeDay = f.m, dayOrNull(f.reviewed, f.day)
	next, err := srs.NextMemory(f.m, day.Sub(f.day), g)
	if err != nil {
		return before, beforeDay // as srs.ReplayMemory, which skips it
	}
	f.m, f.day, f.reviewed = next, day, true
	return before, beforeDay
}

// storeMemory writes the folded states to card_state, for the cards with
// at least one review.
func storeMemory(ctx context.Context, tx *sql.Tx, folds map[int64]*memoryFold) error {
	if len(folds) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, qUpdateMemory)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for id, f := range folds {
		if !f.reviewed {
			continue
		}
		if _, err := stmt.ExecContext(ctx, f.m.Stability, f.m.Difficulty, int(f.day), id); err != nil {
			return err
		}
	}
	return nil
}

// memoryBackfillKey marks, in meta, a database whose reviews predate the
// memory state: migration 0006 sets it, backfillMemory deletes it when done.
const memoryBackfillKey = "memory_backfill"

// memoryBackfillBatch is how many cards one transaction of the backfill
// computes, so the writer is never held long and an interrupted backfill
// resumes where it stopped. A variable for the test that crosses batches.
var memoryBackfillBatch = 1000

// backfillMemory computes, once, the memory state of every card reviewed
// before migration 0006, replaying its log in order, and the state before
// each of its reviews. It runs when the store opens, before any grade, in
// batches of cards; each batch is one transaction. It returns how many
// cards it filled in.
func (s *Store) backfillMemory(ctx context.Context) (int, error) {
	var pending int
	err := s.writer.QueryRowContext(ctx, "SELECT COUNT(*) FROM meta WHERE key = ?", memoryBackfillKey).Scan(&pending)
	if err != nil || pending == 0 {
		return 0, err
	}
	total := 0
	var after int64
	for {
		n := 0
		err := s.write(ctx, func(tx *sql.Tx) error {
			var err error
			n, after, err = backfillMemoryBatch(ctx, tx, after)
			if err != nil || n > 0 {
				return err
			}
			_, err = tx.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", memoryBackfillKey)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("compute memory states: %w", err)
		}
		if n == 0 {
			return total, nil
		}
		total += n
	}
}

// backfillMemoryBatch fills in the memory of the next batch of cards after
// card id after that have reviews but no memory state, leaving out the
// cards of an import still being written (its writer sets their state). It returns how many
// it filled and the last card id seen.
func backfillMemoryBatch(ctx context.Context, tx *sql.Tx, after int64) (int, int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.card_id, r.id, r.study_day, r.grade FROM reviews r
		WHERE r.card_id IN (SELECT s.card_id FROM card_state s
			WHERE s.card_id > ? AND s.memory_day IS NULL AND EXISTS (SELECT 1 FROM reviews x WHERE x.card_id = s.card_id)
				AND s.card_id < `+visibleBelow("s.user_id")+`
			ORDER BY s.card_id LIMIT ?)
		ORDER BY r.card_id, r.id`, after, memoryBackfillBatch)
	if err != nil {
		return 0, after, err
	}
	type before struct {
		review int64
		m      srs.Memory
		day    any
	}
	var befores []before
	folds := map[int64]*memoryFold{}
	for rows.Next() {
		var card, review int64
		var day, grade int
		if err := rows.Scan(&card, &review, &day, &grade); err != nil {
			rows.Close()
			return 0, after, err
		}
		f := folds[card]
		if f == nil {
			f = &memoryFold{}
			folds[card] = f
		}
		after = max(after, card)
		m, d := f.add(srs.Day(day), srs.Grade(grade))
		befores = append(befores, before{review, m, d})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, after, err
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE reviews SET before_stability = ?, before_difficulty = ?, before_memory_day = ?
		WHERE id = ?`)
	if err != nil {
		return 0, after, err
	}
	defer stmt.Close()
	for _, b := range befores {
		if _, err := stmt.ExecContext(ctx, b.m.Stability, b.m.Difficulty, b.day, b.review); err != nil {
			return 0, after, err
		}
	}
	return len(folds), after, storeMemory(ctx, tx, folds)
}
