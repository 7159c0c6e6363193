package data

import (
	"context"

	"github.com/flashcards/flashcards/srs"
)

// Practice beyond the schedule. A practice grade (Grade.Practice) is a
// grade given outside the day's SM-2 queue: in practice mode, which draws
// any card of a scope weakest recall first, or in a mock interview. It is
// logged as a review of kind "practice" and moves the card's FSRS memory
// state as any grade does (so the recall figures see it, and undo takes it
// back), but the SM-2 state it logs after is the state before, bit for
// bit, and it is never counted: the day's limits, the re-drill queue and
// the mastery credit do not move.

// practiceTx records one practice grade of card c, read by gradeTx in the
// same transaction (in play, the step checked). redrill says whether the
// card is in today's re-drill queue, which a practice grade leaves alone.
func (s *Store) practiceTx(ctx context.Context, tx stmtTx, userID int64, g Grade, covered string, c Card, redrill bool, today srs.Day) (GradeResult, error) {
	memBefore := c.memory()
	memAfter, err := srs.NextMemory(memBefore, today.Sub(c.MemoryDay), g.Grade)
	if err != nil {
		return GradeResult{}, err
	}
	st := c.Sched
	due, last := dayOrNull(st.Graded, st.Due), dayOrNull(st.Graded, st.LastCounted)
	answer := min(max(g.AnswerMS, 0), MaxAnswerMS)
	_, err = tx.ExecContext(ctx, qInsertReview,
		userID, c.ID, formatTime(s.now()), int(today), int(g.Grade), false, answer,
		st.State.Repetitions, st.State.Interval, st.State.Ease, due, c.Lapses, last,
		st.State.Repetitions, st.State.Interval, st.State.Ease, due, c.Lapses, c.CategoryID, g.TypedAnswer, covered,
		memBefore.Stability, memBefore.Difficulty, dayOrNull(c.Reviewed, c.MemoryDay), KindPractice)
	if err != nil {
		return GradeResult{}, err
	}
	if _, err := tx.ExecContext(ctx, qUpdateMemory, memAfter.Stability, memAfter.Difficulty, int(today), c.ID); err != nil {
		return GradeResult{}, err
	}
	return GradeResult{CardID: c.ID, State: st.State, Graded: st.Graded, Due: st.Due, Lapses: c.Lapses, Redrill: redrill}, nil
}
