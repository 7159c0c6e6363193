package data

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/flashcards/flashcards/srs"
)

// CheckCounts verifies the counts that triggers keep against the rows they
// count: each user's new cards, and each day's counted grades of new and
// review cards (those of deleted cards counted apart, see migration 0005),
// its re-drills and the bound on its review ids, each card's mirror of its
// suspension and trash in card_state, and the new cards of an import being
// written, that practice grades left the schedule alone, and that each tag
// keeps its card's owner. A mismatch means a write path bypassed the triggers; the tests
// run it after every test store's work.
func (s *Store) CheckCounts(ctx context.Context) error {
	checks := []struct{ what, query string }{
		{"new cards", `SELECT u.id, COALESCE(n.n, -1),
			(SELECT COUNT(*) FROM card_state s WHERE s.user_id = u.id AND ` + isNew("s.") + `)
			FROM users u LEFT JOIN new_cards n ON n.user_id = u.id`},
		{"new cards graded today", `SELECT d.user_id || '/' || d.study_day, d.new_done, d.gone_new +
			(SELECT COALESCE(SUM(r.day_new), 0) FROM reviews r WHERE r.user_id = d.user_id AND r.study_day = d.study_day)
			FROM day_counts d`},
		{"reviews graded today", `SELECT d.user_id || '/' || d.study_day, d.reviews_done, d.gone_reviews +
			(SELECT COALESCE(SUM(r.day_review), 0) FROM reviews r WHERE r.user_id = d.user_id AND r.study_day = d.study_day)
			FROM day_counts d`},
		{"re-drills", `SELECT d.user_id || '/' || d.study_day, d.redrills,
			(SELECT COUNT(*) FROM card_state s WHERE s.user_id = d.user_id AND s.redrill_day = d.study_day AND s.suspended = 0)
			FROM day_counts d`},
		// card_state mirrors the card's suspension and trash (0001, 0008):
		// suspended there means suspended or in the trash.
		{"card state mirror", `SELECT c.id, 2 * s.suspended + s.trashed,
			2 * (c.suspended <> 0 OR c.deleted_at IS NOT NULL) + (c.deleted_at IS NOT NULL)
			FROM cards c JOIN card_state s ON s.card_id = c.id`},
		// Undo finds the most recent review through this bound: it may
		// pass the day's reviews (an undone or deleted one), never fall short.
		{"latest review bound", `SELECT d.user_id || '/' || d.study_day,
			MIN(COALESCE(d.latest_review, 0), COALESCE(MAX(r.id), 0)), COALESCE(MAX(r.id), 0)
			FROM day_counts d LEFT JOIN reviews r ON r.user_id = d.user_id AND r.study_day = d.study_day
			GROUP BY d.user_id, d.study_day`},
		// A practice grade changes the memory state only (migration 0009).
		{"practice grade's schedule", `SELECT r.id, 0, (r.counted <> 0) + (r.before_repetitions <> r.after_repetitions)
			+ (r.before_interval <> r.after_interval) + (r.before_ease <> r.after_ease)
			+ (r.before_due IS NOT r.after_due) + (r.before_lapses <> r.after_lapses)
			FROM reviews r WHERE r.kind = 'practice'`},
		// A tag's row keeps its card's owner (migration 0014), which the
		// tag filters and the tag list read instead of the card.
		{"tag owner", `SELECT t.card_id || '/' || t.tag, t.user_id, c.user_id
			FROM card_tags t JOIN cards c ON c.id = t.card_id`},
		// A cloze card has its note, a basic card none (migration 0015).
		{"cloze card's note", `SELECT c.id, c.cloze > 0, c.note_id IS NOT NULL FROM cards c`},
		{"new cards of a pending import", `SELECT p.user_id, p.new_cards,
			(SELECT COUNT(*) FROM card_state s WHERE s.user_id = p.user_id AND s.card_id >= p.first_card
				AND ` + isNew("s.") + `)
			FROM pending_imports p`},
	}
	for _, c := range checks {
		rows, err := s.reader.QueryContext(ctx, c.query)
		if err != nil {
			return err
		}
		for rows.Next() {
			var key string
			var kept, actual int
			if err := rows.Scan(&key, &kept, &actual); err != nil {
				rows.Close()
				return err
			}
			if kept != actual {
				rows.Close()
				return fmt.Errorf("%s of %s: kept %d, counted %d", c.what, key, kept, actual)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return s.checkEffects(ctx)
}

// checkEffects verifies the values srs computed that the store keeps
// (migration 0013): each review's effects are srs.EffectsOf of its logged
// states, and each card's stage and credit are srs.Stage and
// srs.MasteryCredit of its state. A mismatch means a write path wrote a
// state without them.
func (s *Store) checkEffects(ctx context.Context) error {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, grade, counted, kind, before_repetitions, before_interval, before_ease, before_due,
		after_repetitions, after_interval, after_ease, after_due, day_new, day_review, redrill, credit_delta FROM reviews`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var e logEntry
		var grade, br, bi, be, ar, ai, ae, credit int
		var dayNew, dayReview bool
		var bd, ad, redrill sql.NullInt64
		if err := rows.Scan(&id, &grade, &e.Counted, &e.Kind, &br, &bi, &be, &bd, &ar, &ai, &ae, &ad, &dayNew, &dayReview, &redrill, &credit); err != nil {
			rows.Close()
			return err
		}
		e.Grade = srs.Grade(grade)
		e.Before, e.After = schedOf(br, bi, be, bd, sql.NullInt64{}), schedOf(ar, ai, ae, ad, sql.NullInt64{})
		kept := srs.Effects{NewCard: dayNew, Review: dayReview, Redrill: redrillMark(redrill), CreditDelta: credit}
		if want := e.effects(); kept != want {
			rows.Close()
			return fmt.Errorf("effects of review %d: kept %+v, srs says %+v", id, kept, want)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.reader.QueryContext(ctx, "SELECT card_id, repetitions, interval, ease, due, stage, credit FROM card_state")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var reps, interval, ease, stage, credit int
		var due sql.NullInt64
		if err := rows.Scan(&id, &reps, &interval, &ease, &due, &stage, &credit); err != nil {
			return err
		}
		c := schedOf(reps, interval, ease, due, sql.NullInt64{})
		if srs.Stage(stage) != c.Stage() || credit != srs.MasteryCredit(c) {
			return fmt.Errorf("card %d: kept stage %d and credit %d, srs says %d and %d", id, stage, credit, c.Stage(), srs.MasteryCredit(c))
		}
	}
	return rows.Err()
}

// CheckMemory verifies every card's stored memory state against its review
// log, bit for bit: the state in card_state must be srs.ReplayMemory of the
// log, and each review must hold the state from before it. A mismatch
// means a write path moved the log without the state; the tests run it
// after every test store's work.
func (s *Store) CheckMemory(ctx context.Context) error {
	type state struct {
		m   srs.Memory
		day sql.NullInt64
	}
	same := func(a, b state) bool {
		return math.Float64bits(a.m.Stability) == math.Float64bits(b.m.Stability) &&
			math.Float64bits(a.m.Difficulty) == math.Float64bits(b.m.Difficulty) && a.day == b.day
	}
	stored := map[int64]state{}
	rows, err := s.reader.QueryContext(ctx, "SELECT card_id, stability, difficulty, memory_day FROM card_state")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var st state
		if err := rows.Scan(&id, &st.m.Stability, &st.m.Difficulty, &st.day); err != nil {
			rows.Close()
			return err
		}
		stored[id] = st
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	folds := map[int64]*memoryFold{}
	rows, err = s.reader.QueryContext(ctx, `SELECT card_id, id, study_day, grade, before_stability, before_difficulty, before_memory_day
		FROM reviews ORDER BY card_id, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var card, review int64
		var day, grade int
		var kept state
		if err := rows.Scan(&card, &review, &day, &grade, &kept.m.Stability, &kept.m.Difficulty, &kept.day); err != nil {
			return err
		}
		f := folds[card]
		if f == nil {
			f = &memoryFold{}
			folds[card] = f
		}
		m, d := f.add(srs.Day(day), srs.Grade(grade))
		want := state{m: m}
		if d != nil {
			want.day = sql.NullInt64{Int64: int64(d.(int)), Valid: true}
		}
		if !same(kept, want) {
			return fmt.Errorf("memory before review %d of card %d: kept %+v, replayed %+v", review, card, kept, want)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for id, kept := range stored {
		var want state
		if f := folds[id]; f != nil && f.reviewed {
			want = state{m: f.m, day: sql.NullInt64{Int64: int64(f.day), Valid: true}}
		}
		if !same(kept, want) {
			return fmt.Errorf("memory of card %d: kept %+v, replayed from its log %+v", id, kept, want)
		}
	}
	return nil
}
