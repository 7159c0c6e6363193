package data

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/flashcards/flashcards/srs"
)

// effectsBackfillKey marks, in meta, a database whose reviews and cards
// predate the stored effects of migration 0013: backfillEffects deletes it
// when done.
const effectsBackfillKey = "effects_backfill"

// effectsBackfillBatch is how many rows one transaction of the backfill
// writes. A variable for the test that crosses batches.
var effectsBackfillBatch = 5000

// backfillEffects writes, once, what srs says of every review and card
// written before migration 0013: each review's effects (srs.EffectsOf from
// its logged states) and each card's stage and mastery credit. It runs
// when the store opens, before any grade, in batches; each batch is one
// transaction, so an interrupted backfill resumes where it stopped. It
// changes no count: the triggers sum these values only as rows come and
// go.
func (s *Store) backfillEffects(ctx context.Context) (int, error) {
	var pending int
	err := s.writer.QueryRowContext(ctx, "SELECT COUNT(*) FROM meta WHERE key = ?", effectsBackfillKey).Scan(&pending)
	if err != nil || pending == 0 {
		return 0, err
	}
	total := 0
	for _, step := range []func(context.Context, *sql.Tx, int64) (int, int64, error){backfillReviewEffects, backfillCardEffects} {
		var after int64
		for {
			n := 0
			err := s.write(ctx, func(tx *sql.Tx) error {
				var err error
				n, after, err = step(ctx, tx, after)
				return err
			})
			if err != nil {
				return total, fmt.Errorf("store the effects of grades: %w", err)
			}
			total += n
			if n < effectsBackfillBatch {
				break
			}
		}
	}
	_, err = s.writer.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", effectsBackfillKey)
	return total, err
}

// backfillReviewEffects fills in the effects of the next batch of reviews
// after review id after.
func backfillReviewEffects(ctx context.Context, tx *sql.Tx, after int64) (int, int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, grade, counted, kind, before_repetitions, before_interval, before_ease, before_due,
		after_repetitions, after_interval, after_ease, after_due FROM reviews WHERE id > ? ORDER BY id LIMIT ?`, after, effectsBackfillBatch)
	if err != nil {
		return 0, after, err
	}
	type row struct {
		id int64
		e  logEntry
	}
	var todo []row
	for rows.Next() {
		var r row
		var grade, br, bi, be, ar, ai, ae int
		var bd, ad sql.NullInt64
		if err := rows.Scan(&r.id, &grade, &r.e.Counted, &r.e.Kind, &br, &bi, &be, &bd, &ar, &ai, &ae, &ad); err != nil {
			rows.Close()
			return 0, after, err
		}
		r.e.Grade = srs.Grade(grade)
		r.e.Before, r.e.After = schedOf(br, bi, be, bd, sql.NullInt64{}), schedOf(ar, ai, ae, ad, sql.NullInt64{})
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, after, err
	}
	for _, r := range todo {
		fx := r.e.effects()
		if _, err := tx.ExecContext(ctx, "UPDATE reviews SET day_new = ?, day_review = ?, redrill = ?, credit_delta = ? WHERE id = ?",
			fx.NewCard, fx.Review, redrillValue(fx.Redrill), fx.CreditDelta, r.id); err != nil {
			return 0, after, err
		}
		after = r.id
	}
	return len(todo), after, nil
}

// backfillCardEffects fills in the stage and credit of the next batch of
// cards after card id after.
func backfillCardEffects(ctx context.Context, tx *sql.Tx, after int64) (int, int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT card_id, repetitions, interval, ease, due FROM card_state
		WHERE card_id > ? ORDER BY card_id LIMIT ?`, after, effectsBackfillBatch)
	if err != nil {
		return 0, after, err
	}
	type row struct {
		id int64
		c  srs.Card
	}
	var todo []row
	for rows.Next() {
		var r row
		var reps, interval, ease int
		var due sql.NullInt64
		if err := rows.Scan(&r.id, &reps, &interval, &ease, &due); err != nil {
			rows.Close()
			return 0, after, err
		}
		r.c = schedOf(reps, interval, ease, due, sql.NullInt64{})
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, after, err
	}
	for _, r := range todo {
		if _, err := tx.ExecContext(ctx, "UPDATE card_state SET stage = ?, credit = ? WHERE card_id = ?",
			int(r.c.Stage()), srs.MasteryCredit(r.c), r.id); err != nil {
			return 0, after, err
		}
		after = r.id
	}
	return len(todo), after, nil
}
