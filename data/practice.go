package data

import (
	"context"
	"database/sql"
	"errors"
	"slices"

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
	answer := min(max(g.AnswerMS, 0), MaxAnswerMS)
	_, err = tx.ExecContext(ctx, qInsertReview, logEntry{
		UserID: userID, CardID: c.ID, CategoryID: c.CategoryID, At: s.now(), Day: today, Grade: g.Grade, AnswerMS: answer,
		Before: st, After: st, BeforeLapses: c.Lapses, AfterLapses: c.Lapses, BeforeLastDay: dayOrNull(st.Graded, st.LastCounted),
		TypedAnswer: g.TypedAnswer, Covered: covered, MemBefore: memBefore, MemBeforeDay: dayOrNull(c.Reviewed, c.MemoryDay), Kind: KindPractice,
	}.args()...)
	if err != nil {
		return GradeResult{}, err
	}
	if _, err := tx.ExecContext(ctx, qUpdateMemory, memAfter.Stability, memAfter.Difficulty, int(today), c.ID); err != nil {
		return GradeResult{}, err
	}
	return GradeResult{CardID: c.ID, State: st.State, Graded: st.Graded, Due: st.Due, Lapses: c.Lapses, Redrill: redrill}, nil
}

// ErrPracticeDone means every card of the practice scope has had its
// practice grade in this round (or the scope has no cards in play).
var ErrPracticeDone = errors.New("every card of the scope is practised")

// PracticeQuery is what practice mode asks for: a scope, the round, and a
// card to show first.
type PracticeQuery struct {
	// Filter is the scope: a category, a deck, or all cards.
	Filter ReviewFilter
	// Round starts after this review id: the practice grades of today with
	// a larger id are this round's, and their cards are left out until the
	// scope is exhausted. 0: all of today's practice grades.
	Round int64
	// Prefer, when in the scope and not yet practised in the round, is
	// shown first: a revealed card, or the card an undo took back.
	Prefer int64
}

// PracticeCard is the next card to practise, with the round around it.
type PracticeCard struct {
	Card  Card
	Today srs.Day
	// Step counts the card's grades today, of any kind, for the grade form.
	Step int
	// Recall is the card's predicted recall today (0 for a new card), what
	// it was ranked by.
	Recall float64
	// Left counts the scope's cards still to pass in the round (not yet
	// practised, or failed and coming again), this one included;
	// Practised those passed in it.
	Left, Practised int
	// NextRound, when the scope is exhausted (ErrPracticeDone), is the
	// Round that starts the scope over.
	NextRound int64
}

// PracticeNext returns the card to practise now within the scope: any
// card in play (not suspended, not in the trash, not in an import still
// being written), new ones included, lowest predicted recall today first
// (srs.WeakestCard), with no daily limit. A card passed in this round is
// not shown again; a card failed in it (srs.PracticeAgain) comes back
// after every card not yet practised, until it is passed. So a round ends
// only when every card of the scope is passed: then it returns
// ErrPracticeDone with the counts and the Round that starts over. Grades of the day's queue do not take a card out of the
// round; they leave it at recall 1, the back of the line.
func (s *Store) PracticeNext(ctx context.Context, userID int64, q PracticeQuery) (PracticeCard, error) {
	var pc PracticeCard
	err := s.read(ctx, func(sqltx *sql.Tx) error {
		tx := stmtTx{sqltx, s.rstmts}
		st, err := userSettings(ctx, tx, userID)
		if err != nil {
			return err
		}
		pc.Today = s.studyDay(st)
		cards, err := practiceCandidates(ctx, tx, userID, q.Filter)
		if err != nil {
			return err
		}
		// The latest practice grade of each card in the round: a pass
		// takes the card out of it, a fail (srs.PracticeAgain) sends it to
		// the back, to come again once the cards not yet practised are.
		last := map[int64]srs.Grade{}
		rows, err := tx.QueryContext(ctx, `SELECT card_id, grade FROM reviews
			WHERE user_id = ? AND study_day = ? AND kind = 'practice' AND id > ? ORDER BY id`, userID, int(pc.Today), q.Round)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var g srs.Grade
			if err := rows.Scan(&id, &g); err != nil {
				rows.Close()
				return err
			}
			last[id] = g
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var fresh, again []srs.PracticeCard
		for _, c := range cards {
			switch g, graded := last[c.ID]; {
			case !graded:
				fresh = append(fresh, c)
			case srs.PracticeAgain(g):
				again = append(again, c)
			default:
				pc.Practised++
			}
		}
		left := fresh
		if len(left) == 0 {
			left = again
		}
		var prefer *srs.PracticeCard
		for _, pile := range [][]srs.PracticeCard{fresh, again} {
			if i := slices.IndexFunc(pile, func(c srs.PracticeCard) bool { return c.ID == q.Prefer }); i >= 0 {
				prefer = &pile[i]
			}
		}
		pc.Left = len(fresh) + len(again)
		next, ok := srs.WeakestCard(left, pc.Today)
		if prefer != nil {
			next, ok = *prefer, true
		}
		if !ok {
			// The next round starts after every review so far: day_counts
			// bounds each day's review ids from above.
			return tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(latest_review), 0) FROM day_counts WHERE user_id = ?`, userID).
				Scan(&pc.NextRound)
		}
		pc.Recall = next.RecallToday(pc.Today)
		pc.Card, err = scanCard(withExtra{tx.QueryRowContext(ctx, qQueueCard, int(pc.Today), next.ID, userID), []any{&pc.Step}})
		return err
	})
	if err == nil && pc.Card.ID == 0 {
		err = ErrPracticeDone
	}
	return pc, err
}

// practiceCandidates reads the cards in play within the filter, with what
// practice ranks them by.
func practiceCandidates(ctx context.Context, q querier, userID int64, f ReviewFilter) ([]srs.PracticeCard, error) {
	where, fargs, err := filterSQL(ctx, q, userID, f)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT s.card_id, s.category_id, s.stability, s.difficulty, s.memory_day
		FROM card_state s WHERE `+pileOf+` AND s.suspended = 0`+where, append([]any{userID, userID}, fargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cards []srs.PracticeCard
	for rows.Next() {
		var c srs.PracticeCard
		var day sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Category, &c.Memory.Stability, &c.Memory.Difficulty, &day); err != nil {
			return nil, err
		}
		c.Reviewed, c.MemoryDay = day.Valid, srs.Day(day.Int64)
		cards = append(cards, c)
	}
	return cards, rows.Err()
}

// MockDraw draws up to n cards for a mock interview from the user's
// cards in play (MockPool), due or not, new ones included: srs.MockDraw,
// weakest recall first across categories. It returns their ids in order.
func (s *Store) MockDraw(ctx context.Context, userID int64, n int) ([]int64, error) {
	var ids []int64
	err := s.read(ctx, func(sqltx *sql.Tx) error {
		tx := stmtTx{sqltx, s.rstmts}
		cards, _, today, err := mockPool(ctx, tx, s, userID)
		if err != nil {
			return err
		}
		ids = srs.MockDraw(cards, n, today)
		return nil
	})
	return ids, err
}

// MockPool is what a mock interview draws from.
type MockPool struct {
	Cards int
	// Scope are the names of the interview's categories when the round
	// keeps to them (an interview is ahead, or today, and has a scope
	// with cards in play); none: all categories.
	Scope []string
}

// MockPool says how many cards a mock interview may draw and whether it
// keeps to the interview's categories.
func (s *Store) MockPool(ctx context.Context, userID int64) (MockPool, error) {
	var p MockPool
	err := s.read(ctx, func(sqltx *sql.Tx) error {
		tx := stmtTx{sqltx, s.rstmts}
		cards, scope, _, err := mockPool(ctx, tx, s, userID)
		p = MockPool{Cards: len(cards), Scope: scope}
		return err
	})
	return p, err
}

// mockPool is the cards in play a mock interview draws from: those of
// the interview's scope while the interview is ahead (its day included)
// and the scope has cards in play, else all of them. scope names the
// categories kept to, in the interview's order.
func mockPool(ctx context.Context, tx querier, s *Store, userID int64) (cards []srs.PracticeCard, scope []string, today srs.Day, err error) {
	st, err := userSettings(ctx, tx, userID)
	if err != nil {
		return nil, nil, 0, err
	}
	today = s.studyDay(st)
	if cards, err = practiceCandidates(ctx, tx, userID, ReviewFilter{}); err != nil {
		return nil, nil, 0, err
	}
	iv, err := interviewSettings(ctx, tx, userID)
	if err != nil || !iv.HasDate || iv.Date.Before(today) || len(iv.Scope) == 0 {
		return cards, nil, today, err
	}
	sc, err := readInterviewScope(ctx, tx, userID)
	if err != nil {
		return nil, nil, 0, err
	}
	in := slices.DeleteFunc(slices.Clone(cards), func(c srs.PracticeCard) bool { return !slices.Contains(sc.ids, c.Category) })
	if len(in) == 0 {
		return cards, nil, today, nil
	}
	cats, err := listCategories(ctx, tx, userID)
	for _, slug := range iv.Scope {
		if i := slices.IndexFunc(cats, func(c CategoryInfo) bool { return c.Slug == slug }); i >= 0 {
			scope = append(scope, cats[i].Name)
		}
	}
	return in, scope, today, err
}

// studyMore is a raise of the day's limits ("study more today").
type studyMore struct{ new, reviews int }

// raise is the day's limits with the raise, capped at MaxPerDay.
func (m studyMore) raise(newPerDay, reviewsPerDay int) (int, int) {
	return min(newPerDay+m.new, MaxPerDay), min(reviewsPerDay+m.reviews, MaxPerDay)
}

// StudyMore raises today's new-card and review limits by moreNew and
// moreReviews, on top of any raise given earlier today; the raise is gone
// the next study day. Amounts srs.StudyMore refuses are ErrInvalid, in its
// words, and change nothing. It returns the day's raise so far.
func (s *Store) StudyMore(ctx context.Context, userID int64, moreNew, moreReviews int) (extraNew, extraReviews int, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		st, err := userSettings(ctx, tx, userID)
		if err != nil {
			return err
		}
		today := s.studyDay(st)
		var soFar studyMore
		err = tx.QueryRowContext(ctx, `SELECT extra_new, extra_reviews FROM study_more WHERE user_id = ? AND study_day = ?`,
			userID, int(today)).Scan(&soFar.new, &soFar.reviews)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		extraNew, extraReviews, err = srs.StudyMore(soFar.new, soFar.reviews, moreNew, moreReviews)
		if err != nil {
			return &Error{Kind: ErrInvalid, Message: err.Error(), Err: err}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO study_more (user_id, study_day, extra_new, extra_reviews) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET study_day = excluded.study_day, extra_new = excluded.extra_new,
				extra_reviews = excluded.extra_reviews`, userID, int(today), extraNew, extraReviews)
		return err
	})
	return extraNew, extraReviews, err
}

// StudyMoreToday is the raise of today's limits given so far.
func (s *Store) StudyMoreToday(ctx context.Context, userID int64) (extraNew, extraReviews int, err error) {
	err = s.read(ctx, func(tx *sql.Tx) error {
		st, err := userSettings(ctx, tx, userID)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT extra_new, extra_reviews FROM study_more WHERE user_id = ? AND study_day = ?`,
			userID, int(s.studyDay(st))).Scan(&extraNew, &extraReviews)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return extraNew, extraReviews, err
}

// PracticeCount counts the cards practice can draw within the filter: the
// user's cards in play.
func (s *Store) PracticeCount(ctx context.Context, userID int64, f ReviewFilter) (int, error) {
	var n int
	err := s.read(ctx, func(tx *sql.Tx) error {
		where, fargs, err := filterSQL(ctx, tx, userID, f)
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM card_state s WHERE `+pileOf+` AND s.suspended = 0`+where,
			append([]any{userID, userID}, fargs...)...).Scan(&n)
	})
	return n, err
}
