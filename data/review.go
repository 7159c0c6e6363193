package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/srs"
)

// ErrQueueEmpty means nothing is left to review today (within the filter).
var ErrQueueEmpty = errors.New("nothing left to review today")

// MaxAnswerMS caps the recorded time of one answer: a card left open over
// lunch says nothing about recall speed.
const MaxAnswerMS = draft.MaxAnswerMS

// ReviewFilter narrows the day's queue. Zero values mean "all".
type ReviewFilter struct {
	Category string // slug
	DeckID   int64
	Tag      string // the tag or one under it (data/tags.go)
}

// DayQueue is the state of the user's study day.
type DayQueue struct {
	Today      srs.Day
	Due        int // review cards due and still allowed today
	New        int // new cards still allowed today
	Redrill    int // cards in today's re-drill queue
	FinalPass  int // interview mode: the final pass's cards left today (data/interview_queue.go)
	Remaining  int // Due + New + FinalPass + Redrill: cards still to show today
	Done       int // cards counted today (any filter): the day's progress
	NewLeft    int // new-card slots left today (any filter)
	ReviewLeft int // review slots left today (any filter)
}

// QueueCard is the next card to show, with the queue around it.
type QueueCard struct {
	Card    Card
	Redrill bool // it is a re-drill: its grade is logged but changes nothing
	// FinalPass: it is the interview's final pass, not due for SM-2; its
	// grade is a practice grade (data/interview_queue.go).
	FinalPass bool
	Queue     DayQueue
	// Step counts the card's grades today. A grade form carries it, so a
	// form submitted twice (double click, stale tab) is recognized.
	Step int
}

// Comebacks says, for each grade 0..5, when the card comes back after it
// (srs.Comebacks), from the card's state as the queue read it.
func (qc QueueCard) Comebacks() ([6]srs.Comeback, error) {
	if qc.FinalPass {
		// A practice grade: the card keeps its due day, whatever the grade.
		var out [6]srs.Comeback
		for g := range out {
			out[g] = srs.Comeback{Days: qc.Card.Sched.Due.Sub(qc.Queue.Today)}
		}
		return out, nil
	}
	status := srs.StatusNew
	switch {
	case qc.Redrill:
		status = srs.StatusRedrill
	case qc.Card.Sched.Graded:
		status = srs.StatusDue
	}
	return srs.Comebacks(qc.Card.Sched, qc.Queue.Today, status)
}

// GradeResult is a card's state after a grade or an undo.
type GradeResult struct {
	CardID  int64
	State   srs.State
	Graded  bool
	Due     srs.Day
	Lapses  int
	Redrill bool
	Counted bool
	// Covered and Missed are the card's key points the typed answer did
	// and did not cover, as stored with the review (nil: no typed answer).
	Covered, Missed []string
}

// Today is the user's study day now, on the store's clock.
func (s *Store) Today(ctx context.Context, userID int64) (srs.Day, error) {
	st, err := userSettings(ctx, readerStmts{s}, userID)
	if err != nil {
		return 0, err
	}
	return s.studyDay(st), nil
}

// studyDay is the user's today on the store's clock.
func (s *Store) studyDay(st Settings) srs.Day {
	return srs.StudyDay(s.now(), st.Location(), st.RolloverHour)
}

func userSettings(ctx context.Context, q querier, userID int64) (Settings, error) {
	var st Settings
	err := q.QueryRowContext(ctx, qUserSettings, userID).
		Scan(&st.Timezone, &st.RolloverHour, &st.NewPerDay, &st.ReviewsPerDay, &st.TypeAnswers)
	if errors.Is(err, sql.ErrNoRows) {
		return Settings{}, fmt.Errorf("user: %w", ErrNotFound)
	}
	return st, err
}

// filterSQL turns a filter into extra WHERE terms on card_state s.
func filterSQL(ctx context.Context, q querier, userID int64, f ReviewFilter) (string, []any, error) {
	var where []string
	var args []any
	if f.Category != "" {
		id, err := categoryID(ctx, q, userID, f.Category)
		if err != nil {
			return "", nil, err
		}
		where = append(where, "s.category_id = ?")
		args = append(args, id)
	}
	if f.DeckID != 0 {
		if err := deckOwned(ctx, q, userID, f.DeckID); err != nil {
			return "", nil, err
		}
		where = append(where, "s.deck_id = ?")
		args = append(args, f.DeckID)
	}
	if f.Tag != "" {
		term, targs := tagTerm("s.card_id", userID, f.Tag)
		where, args = append(where, term), append(args, targs...)
	}
	if len(where) == 0 {
		return "", nil, nil
	}
	return " AND " + strings.Join(where, " AND "), args, nil
}

// dayStart is where every question about the user's day starts.
type dayStart struct {
	st                   Settings
	today                srs.Day
	newDone, reviewsDone int // today's counted grades of new and review cards
	redrills             int // cards in today's re-drill queue, in any deck
	newCards             int // cards never graded, not suspended, in any deck
	// interview is the user's interview date, when one is set (see
	// interviewAhead and data/interview_queue.go).
	interview    srs.Interview
	hasInterview bool
}

// interviewAhead reports whether an interview is set and still to come:
// then the queue follows interview mode (data/interview_queue.go).
func (ds dayStart) interviewAhead() bool {
	return ds.hasInterview && ds.interview.Ahead(ds.today)
}

func (ds dayStart) newLeft() int    { return max(0, ds.st.NewPerDay-ds.newDone) }
func (ds dayStart) reviewLeft() int { return max(0, ds.st.ReviewsPerDay-ds.reviewsDone) }

// startDay reads the user's settings, today's counts and the number of new
// cards, in one statement when today already has grades or none.
func (s *Store) startDay(ctx context.Context, q querier, userID int64) (dayStart, error) {
	var ds dayStart
	var day, newDone, reviewsDone, redrills, moreDay, interviewDay sql.NullInt64
	var more studyMore
	err := q.QueryRowContext(ctx, qDayStart, userID).Scan(&ds.st.Timezone, &ds.st.RolloverHour, &ds.st.NewPerDay,
		&ds.st.ReviewsPerDay, &ds.st.TypeAnswers, &interviewDay, &ds.interview.FinalDays, &ds.interview.NewOnTime,
		&ds.newCards, &day, &newDone, &reviewsDone, &redrills, &moreDay, &more.new, &more.reviews)
	if errors.Is(err, sql.ErrNoRows) {
		return dayStart{}, fmt.Errorf("user: %w", ErrNotFound)
	}
	if err != nil {
		return dayStart{}, err
	}
	ds.today = s.studyDay(ds.st)
	ds.interview.Day, ds.hasInterview = srs.Day(interviewDay.Int64), interviewDay.Valid
	if moreDay.Valid && srs.Day(moreDay.Int64) == ds.today {
		ds.st.NewPerDay, ds.st.ReviewsPerDay = more.raise(ds.st.NewPerDay, ds.st.ReviewsPerDay)
	}
	switch {
	case !day.Valid || srs.Day(day.Int64) < ds.today:
		// Nothing graded today yet.
	case srs.Day(day.Int64) == ds.today:
		ds.newDone, ds.reviewsDone, ds.redrills = int(newDone.Int64), int(reviewsDone.Int64), int(redrills.Int64)
	default:
		// Today is before the latest day with grades: the timezone or the
		// rollover hour moved back. Read today's own row.
		err = q.QueryRowContext(ctx, qDayCounts, userID, int(ds.today)).Scan(&ds.newDone, &ds.reviewsDone, &ds.redrills)
	}
	return ds, err
}

// queueHead is the first card of each pile of the day's queue, 0 for an
// empty pile; known is false when they were not read with the counts.
type queueHead struct {
	known               bool
	due, fresh, redrill int64
}

// queue computes the day's counts within the filter. For the whole queue
// it also reads the first card of each pile, in the same statement.
func queue(ctx context.Context, q querier, userID int64, ds dayStart, f ReviewFilter) (DayQueue, queueHead, string, []any, error) {
	dq := DayQueue{Today: ds.today, NewLeft: ds.newLeft(), ReviewLeft: ds.reviewLeft(), Done: ds.newDone + ds.reviewsDone}
	var head queueHead
	where, fargs, err := filterSQL(ctx, q, userID, f)
	if err != nil {
		return dq, head, "", nil, err
	}
	d := int(ds.today)
	var due, fresh, redrill int
	if where == "" {
		fresh, redrill, head.known = ds.newCards, ds.redrills, true
		u := userID
		err = q.QueryRowContext(ctx, qQueueHead, u, u, d, d, dq.ReviewLeft, u, u, d, d, u, u, u, u, d).
			Scan(&due, &head.due, &head.fresh, &head.redrill)
	} else {
		// One statement for the three counts: fewer round trips.
		args := append([]any{userID, userID, d, d}, fargs...)
		args = append(args, dq.ReviewLeft, userID, userID)
		args = append(args, fargs...)
		args = append(args, dq.NewLeft, userID, userID, d)
		args = append(args, fargs...)
		err = q.QueryRowContext(ctx, qQueueCounts(where), args...).Scan(&due, &fresh, &redrill)
	}
	if err != nil {
		return dq, head, "", nil, err
	}
	dq.Due = min(due, dq.ReviewLeft)
	dq.New = min(fresh, dq.NewLeft)
	dq.Redrill = redrill
	dq.Remaining = dq.Due + dq.New + dq.Redrill
	return dq, head, where, fargs, nil
}

// Queue reports the user's study day within the filter.
func (s *Store) Queue(ctx context.Context, userID int64, f ReviewFilter) (DayQueue, error) {
	var dq DayQueue
	err := s.read(ctx, func(tx *sql.Tx) error {
		stx := stmtTx{tx, s.rstmts}
		ds, err := s.startDay(ctx, stx, userID)
		if err != nil {
			return err
		}
		if ds.interviewAhead() {
			dq, _, _, _, err = interviewQueue(ctx, stx, userID, ds, f)
			return err
		}
		dq, _, _, _, err = queue(ctx, stx, userID, ds, f)
		return err
	})
	return dq, err
}

// NextCard returns the card to show now: due reviews first (most overdue
// first), then new cards in the order they were added, then re-drills
// (the longest-waiting first). ErrQueueEmpty when the day is done.
// prefer, when non-zero and up for review now, is shown first: after an
// undo the person sees the card they took back.
func (s *Store) NextCard(ctx context.Context, userID int64, f ReviewFilter, prefer int64) (QueueCard, error) {
	if f == (ReviewFilter{}) && prefer == 0 {
		return s.nextInWholeQueue(ctx, userID)
	}
	return s.nextCard(ctx, userID, f, prefer)
}

// nextInWholeQueue is NextCard for the whole queue, the API's and the
// review page's common case, in two statements and no transaction: the day,
// then the card picked and read by qNextCard. A grade landing between the
// two can leave the counts one card off, as a grade landing just after
// would; the card is picked and read in one snapshot.
func (s *Store) nextInWholeQueue(ctx context.Context, userID int64) (QueueCard, error) {
	// Short statements: not worth the goroutine the driver starts to
	// interrupt a statement whose context can end.
	ctx = context.WithoutCancel(ctx)
	r := readerStmts{s}
	ds, err := s.startDay(ctx, r, userID)
	if err != nil {
		return QueueCard{}, err
	}
	if ds.interviewAhead() {
		return s.nextCard(ctx, userID, ReviewFilter{}, 0)
	}
	dq := DayQueue{Today: ds.today, NewLeft: ds.newLeft(), ReviewLeft: ds.reviewLeft(), Done: ds.newDone + ds.reviewsDone}
	d, u := int(ds.today), userID
	var qc QueueCard
	var due int
	row := r.QueryRowContext(ctx, qNextCard, d, u, u, d, d, dq.ReviewLeft, dq.ReviewLeft, u, u, d, d, dq.NewLeft, u, u, u, u, d, u)
	qc.Card, err = scanCard(withExtra{row, []any{&qc.Step, &due}})
	if errors.Is(err, sql.ErrNoRows) {
		return QueueCard{}, ErrQueueEmpty
	}
	if err != nil {
		return QueueCard{}, err
	}
	dq.Due, dq.New, dq.Redrill = min(due, dq.ReviewLeft), min(ds.newCards, dq.NewLeft), ds.redrills
	dq.Remaining = dq.Due + dq.New + dq.Redrill
	qc.Queue = dq
	c := qc.Card.Sched
	qc.Redrill = c.Graded && (c.Due > ds.today || c.LastCounted >= ds.today) // neither new nor due
	return qc, nil
}

// nextCard is NextCard in one read transaction, for a filter or a card
// preferred.
func (s *Store) nextCard(ctx context.Context, userID int64, f ReviewFilter, prefer int64) (QueueCard, error) {
	var qc QueueCard
	err := s.read(ctx, func(sqltx *sql.Tx) error {
		tx := stmtTx{sqltx, s.rstmts}
		ds, err := s.startDay(ctx, tx, userID)
		if err != nil {
			return err
		}
		if ds.interviewAhead() {
			qc, err = s.nextInterviewCard(ctx, tx, userID, ds, f, prefer)
			return err
		}
		today := ds.today
		dq, head, where, fargs, err := queue(ctx, tx, userID, ds, f)
		if err != nil {
			return err
		}
		qc.Queue = dq
		d := int(today)
		// first is the pile's first card: read with the counts, or now.
		first := func(known int64, query string, args ...any) (id int64, err error) {
			if head.known {
				return known, nil
			}
			err = tx.QueryRowContext(ctx, query, append(args, fargs...)...).Scan(&id)
			return id, err
		}
		var id int64
		if prefer != 0 {
			if ok, redrill, err := upNow(ctx, tx, userID, prefer, today, dq); err != nil {
				return err
			} else if ok {
				id, qc.Redrill = prefer, redrill
			}
		}
		switch {
		case id != 0:
		case dq.Due > 0:
			id, err = first(head.due, qNextDue(where), userID, userID, d, d)
		case dq.New > 0:
			id, err = first(head.fresh, qNextNew(where), userID, userID)
		case dq.Redrill > 0:
			qc.Redrill = true
			id, err = first(head.redrill, qNextRedrill(where), userID, userID, d)
		default:
			return ErrQueueEmpty
		}
		if err != nil {
			return err
		}
		if id == 0 && qc.Redrill && head.known {
			// The kept count of re-drills includes the cards of an import
			// still being written that it graded today: none to show yet.
			return ErrQueueEmpty
		}
		if id == 0 {
			return fmt.Errorf("the day's queue counts a card it cannot find (user %d)", userID)
		}
		qc.Card, err = scanCard(withExtra{tx.QueryRowContext(ctx, qQueueCard, d, id, userID), []any{&qc.Step}})
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("card %d: %w", id, ErrNotFound)
		}
		return err
	})
	return qc, err
}

// withExtra scans a row's leading columns as asked and its last ones into extra.
type withExtra struct {
	row   scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

// upNow reports whether the card may be graded now, and whether as a re-drill.
func upNow(ctx context.Context, q querier, userID, cardID int64, today srs.Day, dq DayQueue) (ok, redrill bool, err error) {
	c, grades, _, err := gradeState(ctx, q, userID, cardID, today)
	if errors.Is(err, ErrNotFound) {
		return false, false, nil
	}
	if err != nil || c.Suspended {
		return false, false, err
	}
	switch srs.StatusOf(c.Sched, today, grades) {
	case srs.StatusDue:
		return dq.ReviewLeft > 0, false, nil
	case srs.StatusNew:
		return dq.NewLeft > 0, false, nil
	case srs.StatusRedrill:
		return true, true, nil
	}
	return false, false, nil
}

// Grade is one grade as the review page or the API submits it.
type Grade struct {
	CardID   int64
	Grade    srs.Grade
	AnswerMS int
	// Step, when >= 0, is the number of grades the card had today when the
	// form was shown; a different number means the form is stale. -1: no check.
	Step int
	// TypedAnswer is what the person typed before revealing ("" for none).
	// The store checks it against the card's key points itself
	// (Card.Coverage) and keeps the coverage with the review.
	TypedAnswer string
	// Practice marks a grade given outside the schedule (practice mode, a
	// mock interview): any card in play may take one at any time. It is
	// logged with kind "practice" and moves the memory state, but leaves
	// the SM-2 state, the day's counts and the re-drill queue as they were.
	Practice bool
}

// The kinds of review in the log: a grade of the day's SM-2 queue, or a
// practice grade (Grade.Practice).
const (
	KindReview   = "review"
	KindPractice = "practice"
)

// MaxTypedAnswerRunes bounds a typed answer.
const MaxTypedAnswerRunes = draft.MaxTypedAnswerRunes

// coverageJSON is how a typed answer's coverage is stored with its review.
type coverageJSON struct {
	Covered []string `json:"covered"`
	Missed  []string `json:"missed"`
}

// coverage checks g's typed answer against the card as it is now and
// gives the coverage as stored ("" for no typed answer). It reads the card
// before the grade's transaction, so the single writer never runs the
// checker; an edit in between is judged as the grade lands, against the
// key points the person saw a moment before.
func (s *Store) coverage(ctx context.Context, userID int64, g Grade) (coverageJSON, string, error) {
	if !utf8.ValidString(g.TypedAnswer) || utf8.RuneCountInString(g.TypedAnswer) > MaxTypedAnswerRunes {
		return coverageJSON{}, "", Errorf(ErrInvalid, "A typed answer must be valid text of at most %d characters", MaxTypedAnswerRunes)
	}
	if g.TypedAnswer == "" {
		return coverageJSON{}, "", nil
	}
	card, err := s.GetCard(ctx, userID, g.CardID)
	if err != nil {
		return coverageJSON{}, "", err
	}
	var cov coverageJSON
	cov.Covered, cov.Missed = card.Coverage(g.TypedAnswer)
	b, err := json.Marshal(cov)
	return cov, string(b), err
}

// GradeCard applies one grade in one transaction: SM-2 through srs.Next for
// the day's first grade, a logged re-drill otherwise. A card that is not up
// for review now gives ErrConflict; a foreign card ErrNotFound. A practice
// grade (g.Practice) needs no more than a card in play: not suspended, not
// in the trash, not in an import still being written.
func (s *Store) GradeCard(ctx context.Context, userID int64, g Grade) (GradeResult, error) {
	if !g.Grade.Valid() {
		return GradeResult{}, Errorf(ErrInvalid, "A grade is a whole number from 0 to 5")
	}
	cov, covered, err := s.coverage(ctx, userID, g) // here, not in the single writer's batch
	if err != nil {
		return GradeResult{}, err
	}
	res, err := s.commits.grade(ctx, userID, g, covered)
	if err == nil && covered != "" {
		res.Covered, res.Missed = cov.Covered, cov.Missed
	}
	return res, err
}

// gradeState reads what a grade needs of a card: its state, from the
// narrow card_state table, its review grades of the day in order (practice
// grades are not the day's SM-2 grades: srs.StatusOf never sees them), and
// its number of grades of the day of any kind, the step a grade form
// carries. Another user's card, or one in the trash, is ErrNotFound.
func gradeState(ctx context.Context, q querier, userID, cardID int64, day srs.Day) (Card, []srs.Grade, int, error) {
	c := Card{ID: cardID}
	var due, last, memDay sql.NullInt64
	var digits string
	err := q.QueryRowContext(ctx, qGradeState, int(day), cardID, userID, userID).
		Scan(&c.Sched.State.Repetitions, &c.Sched.State.Interval, &c.Sched.State.Ease, &due, &last, &c.Lapses, &c.Suspended, &c.CategoryID,
			&c.Memory.Stability, &c.Memory.Difficulty, &memDay, &digits)
	if errors.Is(err, sql.ErrNoRows) {
		return Card{}, nil, 0, fmt.Errorf("card %d: %w", cardID, ErrNotFound)
	}
	if err != nil {
		return Card{}, nil, 0, err
	}
	c.Sched.Graded, c.Sched.Due, c.Sched.LastCounted = due.Valid, srs.Day(due.Int64), srs.Day(last.Int64)
	c.MemoryDay, c.Reviewed = srs.Day(memDay.Int64), memDay.Valid
	var grades []srs.Grade
	for _, g := range digits {
		if g >= '0' && g <= '9' { // a practice grade is a letter
			grades = append(grades, srs.Grade(g-'0'))
		}
	}
	return c, grades, len(digits), nil
}

// covered is g's coverage as stored (see Grade.coverage).
func (s *Store) gradeTx(ctx context.Context, tx stmtTx, userID int64, g Grade, covered string) (GradeResult, error) {
	ds, err := s.startDay(ctx, tx, userID)
	if err != nil {
		return GradeResult{}, err
	}
	now, today, st := s.now(), ds.today, ds.st
	c, grades, steps, err := gradeState(ctx, tx, userID, g.CardID, today)
	if err != nil {
		return GradeResult{}, err
	}
	if c.Suspended {
		return GradeResult{}, Errorf(ErrConflict, "The card is suspended")
	}
	if g.Step >= 0 && g.Step != steps {
		return GradeResult{}, Errorf(ErrConflict, "This card was graded already")
	}
	status := srs.StatusOf(c.Sched, today, grades)
	if g.Practice {
		return s.practiceTx(ctx, tx, userID, g, covered, c, status == srs.StatusRedrill, today)
	}
	// With an interview ahead, the scope's new cards have more slots, and
	// the final pass's cards take practice grades (data/interview_queue.go).
	newSlot, finalPass, err := interviewGradeSlots(ctx, tx, userID, ds, c, status)
	if err != nil {
		return GradeResult{}, err
	}
	if finalPass {
		return s.practiceTx(ctx, tx, userID, g, covered, c, false, today)
	}
	if status == srs.StatusDue && ds.reviewsDone >= st.ReviewsPerDay {
		return GradeResult{}, Errorf(ErrConflict, "Today's review limit is reached")
	}
	out, err := srs.ApplyGrade(c.Sched, today, grades, g.Grade, newSlot)
	if errors.Is(err, srs.ErrNotUpForReview) {
		return GradeResult{}, Errorf(ErrConflict, "The card is not up for review now")
	}
	if err != nil {
		return GradeResult{}, err
	}
	lapses := c.Lapses
	if out.Counted && c.Sched.Graded && srs.IsLapse(c.Sched.State, g.Grade) {
		lapses++
	}
	answer := min(max(g.AnswerMS, 0), MaxAnswerMS)
	before, after := c.Sched, out.Card
	// Every grade, re-drills too, moves the memory state; the review keeps
	// the state before it for undo.
	memBefore := c.memory()
	memAfter, err := srs.NextMemory(memBefore, today.Sub(c.MemoryDay), g.Grade)
	if err != nil {
		return GradeResult{}, err
	}
	_, err = tx.ExecContext(ctx, qInsertReview, logEntry{
		UserID: userID, CardID: c.ID, CategoryID: c.CategoryID, At: now, Day: today, Grade: g.Grade, Counted: out.Counted, AnswerMS: answer,
		Before: before, After: after, BeforeLapses: c.Lapses, AfterLapses: lapses, BeforeLastDay: dayOrNull(before.Graded, before.LastCounted),
		TypedAnswer: g.TypedAnswer, Covered: covered, MemBefore: memBefore, MemBeforeDay: dayOrNull(c.Reviewed, c.MemoryDay), Kind: KindReview,
	}.args()...)
	if err != nil {
		return GradeResult{}, err
	}
	if out.Counted {
		_, err = tx.ExecContext(ctx, qUpdateCounted, append(stateArgs(c.ID, after, lapses, int(after.LastCounted)), memoryArgs(memAfter, today)...)...)
	} else {
		_, err = tx.ExecContext(ctx, qUpdateMemory, memAfter.Stability, memAfter.Difficulty, int(today), c.ID)
	}
	if err != nil {
		return GradeResult{}, err
	}
	return GradeResult{CardID: c.ID, State: after.State, Graded: after.Graded, Due: after.Due, Lapses: lapses, Redrill: out.Redrill, Counted: out.Counted}, nil
}

// Undo takes back the user's most recent grade, restoring the card's state
// from the review log exactly as it was before. Repeated, it walks further
// back through the day. It refuses with ErrConflict when nothing is left,
// when the most recent grade is of another study day (the time zone or the
// rollover hour moved the day back: a later grade must not be buried under
// an earlier one), or when the card is no longer in the state that grade
// left it in: undo never writes over a newer state.
func (s *Store) Undo(ctx context.Context, userID int64) (GradeResult, error) {
	var res GradeResult
	err := s.write(ctx, func(sqltx *sql.Tx) error {
		tx := stmtTx{sqltx, s.wstmts}
		ds, err := s.startDay(ctx, tx, userID)
		if err != nil {
			return err
		}
		today := ds.today
		r, found, err := latestReview(ctx, tx, userID)
		if err != nil {
			return err
		}
		if !found {
			return Errorf(ErrConflict, "Nothing to undo today")
		}
		if r.day != today {
			return Errorf(ErrConflict, "Nothing to undo today: your last grade was given on study day %s, and only today's grades can be undone",
				r.day)
		}
		var now reviewState
		var trashed bool
		err = tx.QueryRowContext(ctx, `SELECT repetitions, interval, ease, due, lapses, last_day, trashed FROM card_state WHERE card_id = ?`,
			r.cardID).Scan(&now.reps, &now.interval, &now.ease, &now.due, &now.lapses, &now.last, &trashed)
		if err != nil {
			return err
		}
		if trashed {
			// Its grades still count today; taking one back would change a
			// card the person has put away. Restoring it makes it undoable.
			return Errorf(ErrConflict, "Your last grade was of a card now in the trash; restore it to undo that grade")
		}
		if now != r.after {
			return Errorf(ErrConflict, "Card %d has changed since your last grade; nothing was undone", r.cardID)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM reviews WHERE id = ?", r.id); err != nil {
			return err
		}
		b := r.before
		if _, err := tx.ExecContext(ctx, qUpdateState, stateArgs(r.cardID, schedOf(b.reps, b.interval, b.ease, b.due, b.last), b.lapses, b.last)...); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qUpdateMemory, r.beforeMem.Stability, r.beforeMem.Difficulty, r.beforeMemDay, r.cardID); err != nil {
			return err
		}
		c, grades, _, err := gradeState(ctx, tx, userID, r.cardID, today)
		if err != nil {
			return err
		}
		res = GradeResult{CardID: r.cardID, State: c.Sched.State, Graded: c.Sched.Graded, Due: c.Sched.Due, Lapses: c.Lapses,
			Redrill: srs.StatusOf(c.Sched, today, grades) == srs.StatusRedrill}
		return nil
	})
	return res, err
}

// reviewState is a card's scheduling state as card_state and the review
// log hold it.
type reviewState struct {
	reps, interval, ease, lapses int
	due, last                    sql.NullInt64
}

// loggedReview is a review with the card's state before and after it.
type loggedReview struct {
	id, cardID    int64
	day           srs.Day
	before, after reviewState
	// The card's memory state before the review, which undo restores.
	beforeMem    srs.Memory
	beforeMemDay sql.NullInt64
}

// latestReview finds the user's most recent review, the one written last.
// day_counts.latest_review bounds each day's review ids from above (see
// migration 0005), so days are looked at newest bound first, and the walk
// ends at the first day whose bound is below the best review found: in
// practice one day, today. The reviews of an import still being written
// are not there yet.
func latestReview(ctx context.Context, q querier, userID int64) (loggedReview, bool, error) {
	type dayBound struct{ day, bound int64 }
	rows, err := q.QueryContext(ctx, `SELECT study_day, latest_review FROM day_counts
		WHERE user_id = ? AND latest_review IS NOT NULL ORDER BY latest_review DESC`, userID)
	if err != nil {
		return loggedReview{}, false, err
	}
	var days []dayBound
	for rows.Next() {
		var d dayBound
		if err := rows.Scan(&d.day, &d.bound); err != nil {
			rows.Close()
			return loggedReview{}, false, err
		}
		days = append(days, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return loggedReview{}, false, err
	}
	var best int64
	for _, d := range days {
		if d.bound <= best {
			break
		}
		var id sql.NullInt64
		if err := q.QueryRowContext(ctx, `SELECT MAX(id) FROM reviews WHERE user_id = ?1 AND study_day = ?2 AND card_id < `+visibleBelow("?1"),
			userID, d.day).Scan(&id); err != nil {
			return loggedReview{}, false, err
		}
		best = max(best, id.Int64)
	}
	if best == 0 {
		return loggedReview{}, false, nil
	}
	r := loggedReview{id: best}
	var counted bool
	var day int64
	err = q.QueryRowContext(ctx, `SELECT card_id, study_day, counted,
		before_repetitions, before_interval, before_ease, before_due, before_lapses, before_last_day,
		after_repetitions, after_interval, after_ease, after_due, after_lapses,
		before_stability, before_difficulty, before_memory_day FROM reviews WHERE id = ?`, best).
		Scan(&r.cardID, &day, &counted,
			&r.before.reps, &r.before.interval, &r.before.ease, &r.before.due, &r.before.lapses, &r.before.last,
			&r.after.reps, &r.after.interval, &r.after.ease, &r.after.due, &r.after.lapses,
			&r.beforeMem.Stability, &r.beforeMem.Difficulty, &r.beforeMemDay)
	if err != nil {
		return loggedReview{}, false, err
	}
	r.day = srs.Day(day)
	// A counted grade sets the card's last counted day to its own; a
	// re-drill leaves it where it was.
	r.after.last = r.before.last
	if counted {
		r.after.last = sql.NullInt64{Int64: day, Valid: true}
	}
	return r, true, nil
}

// DaySummary is what the end-of-session page shows.
type DaySummary struct {
	Today     srs.Day
	Reviewed  int     // grades given today, re-drills included
	Cards     int     // distinct cards graded today
	Counted   int     // counted grades
	Passed    int     // counted grades >= 3
	Recall    float64 // Passed / Counted, 0..100; meaningless when Counted is 0
	TimeSpent time.Duration
	NextDue   srs.Day // the next day a review is due; zero with HasNext false
	HasNext   bool
	NewLeft   int // cards never graded (not suspended), in every deck
}

// Summary reports the user's study day so far.
func (s *Store) Summary(ctx context.Context, userID int64) (DaySummary, error) {
	var sum DaySummary
	err := s.read(ctx, func(tx *sql.Tx) error {
		ds, err := s.startDay(ctx, tx, userID)
		if err != nil {
			return err
		}
		today := ds.today
		sum.Today, sum.NewLeft = today, ds.newCards
		var ms int64
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT card_id), COALESCE(SUM(counted), 0),
			COALESCE(SUM(counted = 1 AND grade >= ?3), 0), COALESCE(SUM(answer_ms), 0)
			FROM reviews WHERE user_id = ?1 AND study_day = ?2 AND card_id < `+visibleBelow("?1"), userID, int(today), int(srs.PassGrade)).
			Scan(&sum.Reviewed, &sum.Cards, &sum.Counted, &sum.Passed, &ms)
		if err != nil {
			return err
		}
		sum.TimeSpent = time.Duration(ms) * time.Millisecond
		sum.Recall, _ = srs.RecallRate(sum.Counted, sum.Passed)
		var next sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT MIN(s.due) FROM card_state s
			WHERE `+pileOf+` AND s.suspended = 0 AND s.due > ?`, userID, userID, int(today)).Scan(&next)
		if err != nil {
			return err
		}
		sum.NextDue, sum.HasNext = srs.Day(next.Int64), next.Valid
		return nil
	})
	return sum, err
}
