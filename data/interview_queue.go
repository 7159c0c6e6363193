package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/flashcards/flashcards/srs"
)

// The day's queue in interview mode: while the user's interview date D is
// ahead, the queue draws its cards in this order (docs/scheduling.md):
//
//  1. the interview's due cards (SM-2 due, within the review limit);
//  2. its new cards, within the day's new-card limit raised to
//     srs.NewAllowance so every one is introduced before D-K;
//  3. on days D-K .. D-1, the final pass: its cards last reviewed before
//     D-K, once each, as practice grades (srs.InFinalPassSet);
//  4. the other due cards, then the other new cards, within the limits;
//  5. the day's re-drills.
//
// srs decides every number; the statements here only count and pick. This
// path runs only while an interview is ahead: without one, the queue is
// exactly the plain SM-2 queue of data/review.go.

// interviewDay is what interview mode knows about the day.
type interviewDay struct {
	scope       interviewScope
	finalFrom   srs.Day // D-K
	inScopeNew  int     // the scope's new cards now, in any deck
	inScopeDone int     // of them, introduced today
	allowance   int     // srs.NewAllowance for today
	inNewLeft   int     // the scope's new-card slots left today
	outNewLeft  int     // other new-card slots left today
}

// readInterviewDay reads the scope and today's new-card counts.
func readInterviewDay(ctx context.Context, q querier, userID int64, ds dayStart) (interviewDay, error) {
	var id interviewDay
	var err error
	if id.scope, err = readInterviewScope(ctx, q, userID); err != nil {
		return id, err
	}
	id.finalFrom = ds.interview.FinalPassFrom()
	err = q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM card_state s WHERE `+pileOf+` AND `+isNew("s.")+` AND `+id.scope.sql("s.category_id")+`),
		(SELECT COUNT(*) FROM reviews r WHERE r.user_id = ? AND r.study_day = ? AND r.counted = 1 AND r.before_due IS NULL
			AND `+id.scope.sql("r.category_id")+` AND r.card_id < `+visibleBelow("r.user_id")+`)`,
		userID, userID, userID, int(ds.today)).Scan(&id.inScopeNew, &id.inScopeDone)
	if err != nil {
		return id, err
	}
	id.allowance = srs.NewAllowance(ds.interview, ds.today, id.inScopeNew+id.inScopeDone)
	id.inNewLeft = srs.InScopeNewLeft(ds.st.NewPerDay, ds.newDone, id.allowance, id.inScopeDone)
	id.outNewLeft = ds.newLeft()
	return id, nil
}

// A pile of interview mode: its condition on card_state s, with its
// arguments, and its order.
type ivPile struct {
	cond  string
	args  []any
	order string
}

func duePile(today srs.Day, scope string) ivPile {
	d := int(today)
	return ivPile{dueNow("s.", "?") + " AND " + scope,
		[]any{d, d}, "s.due, s.last_day, s.card_id"}
}

func newPile(scope string) ivPile {
	return ivPile{isNew("s.") + " AND " + scope, nil, "s.card_id"}
}

// finalPassPile is srs.InFinalPassSet in SQL terms, less the cards up for
// an SM-2 grade now (due, with a review slot left): those are graded as
// reviews, which takes them out of the final pass as well. The oldest
// reviewed come first.
func finalPassPile(today, from srs.Day, reviewLeft int, scope string) ivPile {
	d := int(today)
	return ivPile{"s.suspended = 0 AND s.due IS NOT NULL AND s.memory_day < ? AND " + scope +
		" AND NOT (? > 0 AND " + dueNow("s.", "?") + ")",
		[]any{int(from), reviewLeft, d, d}, "s.memory_day, s.card_id"}
}

func redrillPile(today srs.Day) ivPile {
	return ivPile{"s.redrill_day = ? AND s.suspended = 0", []any{int(today)}, "s.redrill_since"}
}

// count counts the pile's cards within the filter, up to limit.
func (p ivPile) count(ctx context.Context, q querier, userID int64, where string, fargs []any, limit int) (int, error) {
	args := append(append(append([]any{userID, userID}, p.args...), fargs...), limit)
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM card_state s WHERE `+pileOf+` AND `+p.cond+where+` LIMIT ?)`,
		args...).Scan(&n)
	return n, err
}

// first is the pile's first card within the filter, 0 for none.
func (p ivPile) first(ctx context.Context, q querier, userID int64, where string, fargs []any) (int64, error) {
	args := append(append([]any{userID, userID}, p.args...), fargs...)
	var id int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE((SELECT s.card_id FROM card_state s WHERE `+pileOf+` AND `+p.cond+where+`
		ORDER BY `+p.order+` LIMIT 1), 0)`, args...).Scan(&id)
	return id, err
}

// interviewPiles are the day's piles in interview mode, in the queue's order.
type interviewPiles struct {
	inDue, inNew, final, outDue, outNew, redrill ivPile
}

func (id interviewDay) piles(ds dayStart) interviewPiles {
	in, out := id.scope.sql("s.category_id"), "NOT ("+id.scope.sql("s.category_id")+")"
	return interviewPiles{
		inDue:   duePile(ds.today, in),
		inNew:   newPile(in),
		final:   finalPassPile(ds.today, id.finalFrom, ds.reviewLeft(), in),
		outDue:  duePile(ds.today, out),
		outNew:  newPile(out),
		redrill: redrillPile(ds.today),
	}
}

// interviewQueue is queue in interview mode: the day's counts within the
// filter. DayQueue.FinalPass counts the final pass's cards left.
func interviewQueue(ctx context.Context, q querier, userID int64, ds dayStart, f ReviewFilter) (DayQueue, interviewDay, string, []any, error) {
	dq := DayQueue{Today: ds.today, ReviewLeft: ds.reviewLeft(), Done: ds.newDone + ds.reviewsDone}
	id, err := readInterviewDay(ctx, q, userID, ds)
	if err != nil {
		return dq, id, "", nil, err
	}
	dq.NewLeft = max(id.inNewLeft, id.outNewLeft)
	where, fargs, err := filterSQL(ctx, q, userID, f)
	if err != nil {
		return dq, id, "", nil, err
	}
	p := id.piles(ds)
	var inDue, outDue, inNew, outNew, final int
	for _, c := range []struct {
		pile  ivPile
		limit int
		dst   *int
	}{
		{p.inDue, dq.ReviewLeft, &inDue},
		{p.outDue, dq.ReviewLeft, &outDue},
		{p.inNew, id.inNewLeft, &inNew},
		{p.outNew, id.outNewLeft, &outNew},
		{p.redrill, maxQueueCount, &dq.Redrill},
	} {
		if *c.dst, err = c.pile.count(ctx, q, userID, where, fargs, c.limit); err != nil {
			return dq, id, "", nil, err
		}
	}
	if ds.interview.InFinalPass(ds.today) {
		if final, err = p.final.count(ctx, q, userID, where, fargs, maxQueueCount); err != nil {
			return dq, id, "", nil, err
		}
	}
	dq.Due = min(inDue+outDue, dq.ReviewLeft)
	// The scope's new cards come first and use the day's slots too.
	dq.New = inNew + min(outNew, max(0, id.outNewLeft-inNew))
	dq.FinalPass = final
	dq.Remaining = dq.Due + dq.New + dq.FinalPass + dq.Redrill
	return dq, id, where, fargs, nil
}

// maxQueueCount is "no limit" for a pile's count.
const maxQueueCount = 1 << 40

// nextInterviewCard is nextCard in interview mode, in the caller's read
// transaction.
func (s *Store) nextInterviewCard(ctx context.Context, tx stmtTx, userID int64, ds dayStart, f ReviewFilter, prefer int64) (QueueCard, error) {
	var qc QueueCard
	dq, id, where, fargs, err := interviewQueue(ctx, tx, userID, ds, f)
	if err != nil {
		return qc, err
	}
	qc.Queue = dq
	var card int64
	if prefer != 0 {
		up, err := interviewUpNow(ctx, tx, userID, prefer, ds, id)
		if err != nil {
			return qc, err
		}
		if up.ok {
			card, qc.Redrill, qc.FinalPass = prefer, up.redrill, up.finalPass
		}
	}
	p := id.piles(ds)
	for _, step := range []struct {
		open      bool
		pile      ivPile
		finalPass bool
		redrill   bool
	}{
		{dq.ReviewLeft > 0, p.inDue, false, false},
		{id.inNewLeft > 0, p.inNew, false, false},
		{dq.FinalPass > 0, p.final, true, false},
		{dq.ReviewLeft > 0, p.outDue, false, false},
		{id.outNewLeft > 0, p.outNew, false, false},
		{dq.Redrill > 0, p.redrill, false, true},
	} {
		if card != 0 {
			break
		}
		if !step.open {
			continue
		}
		if card, err = step.pile.first(ctx, tx, userID, where, fargs); err != nil {
			return qc, err
		}
		qc.FinalPass, qc.Redrill = step.finalPass, step.redrill
	}
	if card == 0 {
		return QueueCard{}, ErrQueueEmpty
	}
	qc.Card, err = scanCard(withExtra{tx.QueryRowContext(ctx, qQueueCard, int(ds.today), card, userID), []any{&qc.Step}})
	if errors.Is(err, sql.ErrNoRows) {
		return qc, fmt.Errorf("card %d: %w", card, ErrNotFound)
	}
	return qc, err
}

// interviewUp is whether a card may be graded now in interview mode, and how.
type interviewUp struct {
	ok, redrill, finalPass bool
}

// interviewUpNow is upNow in interview mode: the scope's new cards have
// their own slots, and a final-pass card is up although SM-2 has it not due.
func interviewUpNow(ctx context.Context, q querier, userID, cardID int64, ds dayStart, id interviewDay) (interviewUp, error) {
	c, grades, _, err := gradeState(ctx, q, userID, cardID, ds.today)
	if errors.Is(err, ErrNotFound) {
		return interviewUp{}, nil
	}
	if err != nil || c.Suspended {
		return interviewUp{}, err
	}
	status := srs.StatusOf(c.Sched, ds.today, grades)
	switch {
	case status == srs.StatusRedrill:
		return interviewUp{ok: true, redrill: true}, nil
	case status == srs.StatusNew && id.scope.has(c.CategoryID):
		return interviewUp{ok: id.inNewLeft > 0}, nil
	case status == srs.StatusNew:
		return interviewUp{ok: id.outNewLeft > 0}, nil
	case status == srs.StatusDue && ds.reviewLeft() > 0:
		return interviewUp{ok: true}, nil
	}
	fp := isFinalPassCard(ds, id.scope, c)
	return interviewUp{ok: fp, finalPass: fp}, nil
}

// isFinalPassCard is srs.InFinalPassSet for a card read by gradeState.
func isFinalPassCard(ds dayStart, scope interviewScope, c Card) bool {
	return ds.hasInterview && srs.InFinalPassSet(ds.interview, ds.today, scope.has(c.CategoryID), c.Sched.Graded, c.MemoryDay, c.Reviewed)
}

// interviewGradeSlots says, for a grade in interview mode, whether a new
// card of the scope has a slot (the day's new-card limit raised to the
// interview's allowance) and whether the card is graded as the final
// pass's: in the final pass and not up for an SM-2 grade now. ordinary is
// whether the day's ordinary new-card limit has a slot left.
func interviewGradeSlots(ctx context.Context, q querier, userID int64, ds dayStart, c Card, status srs.Status) (newSlot, finalPass bool, err error) {
	newSlot = ds.newDone < ds.st.NewPerDay
	if !ds.interviewAhead() {
		return newSlot, false, nil
	}
	switch {
	case status == srs.StatusNew && !newSlot:
		id, err := readInterviewDay(ctx, q, userID, ds)
		if err != nil || !id.scope.has(c.CategoryID) {
			return false, false, err
		}
		return id.inNewLeft > 0, false, nil
	case status == srs.StatusNotDue || (status == srs.StatusDue && ds.reviewLeft() == 0):
		if !ds.interview.InFinalPass(ds.today) {
			return newSlot, false, nil
		}
		scope, err := readInterviewScope(ctx, q, userID)
		if err != nil {
			return false, false, err
		}
		return newSlot, isFinalPassCard(ds, scope, c), nil
	}
	return newSlot, false, nil
}
