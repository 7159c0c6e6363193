package data

import (
	"database/sql"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// qInsertReview writes one row of the review log, with the effects srs
// gave the grade (srs.EffectsOf), which the triggers of migration 0013 sum
// into the day's counts and the re-drill queue. Its parameters are named:
// see logEntry.args.
const qInsertReview = `INSERT INTO reviews (user_id, card_id, reviewed_at, study_day, grade, counted, answer_ms,
	before_repetitions, before_interval, before_ease, before_due, before_lapses, before_last_day,
	after_repetitions, after_interval, after_ease, after_due, after_lapses, category_id, typed_answer, covered,
	before_stability, before_difficulty, before_memory_day, kind,
	day_new, day_review, redrill, credit_delta)
	VALUES (:user, :card, :at, :day, :grade, :counted, :answer_ms,
	:b_reps, :b_interval, :b_ease, :b_due, :b_lapses, :b_last_day,
	:a_reps, :a_interval, :a_ease, :a_due, :a_lapses, :category, :typed, :covered,
	:b_stability, :b_difficulty, :b_memory_day, :kind,
	:day_new, :day_review, :redrill, :credit_delta)`

// logEntry is one grade as every write path logs it: a grade, a practice
// grade, a restored or an imported review.
type logEntry struct {
	UserID, CardID, CategoryID int64
	At                         time.Time
	Day                        srs.Day
	Grade                      srs.Grade
	Counted                    bool
	AnswerMS                   int
	// The card's SM-2 state before and after the grade, and its lapses.
	Before, After             srs.Card
	BeforeLapses, AfterLapses int
	// BeforeLastDay is the stored last counted day before (nil for none).
	BeforeLastDay any
	TypedAnswer   string
	Covered       string // coverage JSON, "" for none
	// The memory state before the grade (MemoryDay nil: never reviewed).
	MemBefore    srs.Memory
	MemBeforeDay any
	Kind         string // KindReview or KindPractice
}

// effects is what srs says the entry adds to the store's tallies.
func (e logEntry) effects() srs.Effects {
	return srs.EffectsOf(e.Before, e.After, e.Grade, e.Counted, e.Kind == KindPractice)
}

// args are qInsertReview's parameters for the entry.
func (e logEntry) args() []any {
	fx := e.effects()
	b, a := e.Before, e.After
	return []any{
		sql.Named("user", e.UserID), sql.Named("card", e.CardID), sql.Named("at", formatTime(e.At)),
		sql.Named("day", int(e.Day)), sql.Named("grade", int(e.Grade)), sql.Named("counted", e.Counted),
		sql.Named("answer_ms", e.AnswerMS),
		sql.Named("b_reps", b.State.Repetitions), sql.Named("b_interval", b.State.Interval), sql.Named("b_ease", b.State.Ease),
		sql.Named("b_due", dayOrNull(b.Graded, b.Due)), sql.Named("b_lapses", e.BeforeLapses), sql.Named("b_last_day", e.BeforeLastDay),
		sql.Named("a_reps", a.State.Repetitions), sql.Named("a_interval", a.State.Interval), sql.Named("a_ease", a.State.Ease),
		sql.Named("a_due", dayOrNull(a.Graded, a.Due)), sql.Named("a_lapses", e.AfterLapses),
		sql.Named("category", e.CategoryID), sql.Named("typed", e.TypedAnswer), sql.Named("covered", e.Covered),
		sql.Named("b_stability", e.MemBefore.Stability), sql.Named("b_difficulty", e.MemBefore.Difficulty),
		sql.Named("b_memory_day", e.MemBeforeDay), sql.Named("kind", e.Kind),
		sql.Named("day_new", fx.NewCard), sql.Named("day_review", fx.Review), sql.Named("redrill", redrillValue(fx.Redrill)),
		sql.Named("credit_delta", fx.CreditDelta),
	}
}

// redrillValue is how reviews.redrill stores a mark: NULL, 0 or 1.
func redrillValue(m srs.RedrillMark) any {
	switch m {
	case srs.RedrillOn:
		return 1
	case srs.RedrillOff:
		return 0
	}
	return nil
}

// redrillMark reads reviews.redrill back.
func redrillMark(v sql.NullInt64) srs.RedrillMark {
	switch {
	case !v.Valid:
		return srs.RedrillKeep
	case v.Int64 == 1:
		return srs.RedrillOn
	}
	return srs.RedrillOff
}

// qUpdateState sets a card's SM-2 state with what srs derives from it, its
// stage and mastery credit (migration 0013). Parameters: see stateArgs.
const qUpdateState = `UPDATE card_state SET repetitions = :reps, interval = :interval, ease = :ease, due = :due,
	lapses = :lapses, last_day = :last_day, stage = :stage, credit = :credit WHERE card_id = :card`

// qUpdateCounted is a counted grade's change: the SM-2 state as
// qUpdateState sets it and the memory state at once. Parameters:
// stateArgs and memoryArgs.
const qUpdateCounted = `UPDATE card_state SET repetitions = :reps, interval = :interval, ease = :ease, due = :due,
	lapses = :lapses, last_day = :last_day, stage = :stage, credit = :credit,
	stability = :stability, difficulty = :difficulty, memory_day = :memory_day WHERE card_id = :card`

// memoryArgs are the memory-state parameters of qUpdateCounted.
func memoryArgs(m srs.Memory, day srs.Day) []any {
	return []any{sql.Named("stability", m.Stability), sql.Named("difficulty", m.Difficulty), sql.Named("memory_day", int(day))}
}

// stateArgs are qUpdateState's parameters: the card's state c, its lapses
// and last counted day as stored (nil for none).
func stateArgs(cardID int64, c srs.Card, lapses int, lastDay any) []any {
	return []any{
		sql.Named("reps", c.State.Repetitions), sql.Named("interval", c.State.Interval), sql.Named("ease", c.State.Ease),
		sql.Named("due", dayOrNull(c.Graded, c.Due)), sql.Named("lapses", lapses), sql.Named("last_day", lastDay),
		sql.Named("stage", int(c.Stage())), sql.Named("credit", srs.MasteryCredit(c)), sql.Named("card", cardID),
	}
}

// schedOf is the srs.Card a stored state describes: due NULL means never
// graded.
func schedOf(reps, interval, ease int, due sql.NullInt64, last sql.NullInt64) srs.Card {
	return srs.Card{State: srs.State{Repetitions: reps, Interval: interval, Ease: ease},
		Graded: due.Valid, Due: srs.Day(due.Int64), LastCounted: srs.Day(last.Int64)}
}
