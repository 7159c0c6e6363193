package data

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// reviewFixture is a user with n cards on a store with a settable clock.
func reviewFixture(t testing.TB, n int, st Settings, now time.Time) (*Store, int64, *time.Time) {
	t.Helper()
	s := openTestStore(t)
	clock := now
	s.Now = func() time.Time { return clock }
	u, err := s.CreateUser(context.Background(), "ada", "correct horse", st)
	if err != nil {
		t.Fatal(err)
	}
	drafts := make([]CardDraft, n)
	for i := range drafts {
		drafts[i] = CardDraft{Key: fmt.Sprint("k", i), Front: fmt.Sprint("front ", i), Back: "back", Category: "data-quality"}
	}
	if _, err := s.ImportDrafts(context.Background(), u.ID, "deck", drafts, nil); err != nil {
		t.Fatal(err)
	}
	return s, u.ID, &clock
}

func grade(t testing.TB, s *Store, uid, card int64, g srs.Grade) GradeResult {
	t.Helper()
	r, err := s.GradeCard(context.Background(), uid, Grade{CardID: card, Grade: g, Step: -1})
	if err != nil {
		t.Fatalf("grade card %d with %d: %v", card, g, err)
	}
	return r
}

func TestLapsesAreCountedAndUndone(t *testing.T) {
	ctx := context.Background()
	s, uid, clock := reviewFixture(t, 1, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	grade(t, s, uid, 1, 5) // n=1
	*clock = clock.AddDate(0, 0, 1)
	if r := grade(t, s, uid, 1, 1); r.Lapses != 1 || r.State.Repetitions != 0 || !r.Redrill {
		t.Fatalf("a failed review card: %+v, want one lapse, n=0, in re-drill", r)
	}
	grade(t, s, uid, 1, 0) // a re-drill failure is not a lapse
	c, _ := s.GetCard(ctx, uid, 1)
	if c.Lapses != 1 {
		t.Fatalf("lapses = %d after a re-drill failure, want 1", c.Lapses)
	}
	if _, err := s.Undo(ctx, uid); err != nil {
		t.Fatal(err)
	}
	r, err := s.Undo(ctx, uid)
	if err != nil || r.Lapses != 0 || r.State.Repetitions != 1 || r.Due != srs.DateOf(2026, 5, 2) {
		t.Fatalf("undo of the lapse: %+v %v", r, err)
	}
	if _, err := s.Undo(ctx, uid); !errors.Is(err, ErrConflict) {
		t.Fatalf("undo into yesterday: %v, want ErrConflict", err)
	}
	// A failure on a card never passed is no lapse.
	*clock = clock.AddDate(0, 0, 10)
	grade(t, s, uid, 1, 0)
	grade(t, s, uid, 1, 5) // leaves re-drill
	*clock = clock.AddDate(0, 0, 1)
	if r := grade(t, s, uid, 1, 2); r.Lapses != 1 {
		t.Fatalf("failing a card with n=0: lapses %d, want still 1", r.Lapses)
	}
}

// TestStudyDayFollowsTheUsersZone checks the rollover in New York across
// the spring DST change: the day starts at 04:00 local, not UTC.
func TestStudyDayFollowsTheUsersZone(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.Timezone = "America/New_York"
	ny, _ := time.LoadLocation("America/New_York")
	// 2026-03-08 is the day clocks go forward in New York.
	s, uid, clock := reviewFixture(t, 2, st, time.Date(2026, 3, 7, 22, 0, 0, 0, ny))
	r := grade(t, s, uid, 1, 4)
	if r.Due != srs.DateOf(2026, 3, 8) {
		t.Fatalf("due %v, want 2026-03-08", r.Due)
	}
	*clock = time.Date(2026, 3, 8, 3, 59, 0, 0, ny)
	if q, _ := s.Queue(ctx, uid, ReviewFilter{}); q.Today != srs.DateOf(2026, 3, 7) || q.Due != 0 {
		t.Fatalf("03:59 on the DST day: %+v, want still 2026-03-07 with nothing due", q)
	}
	*clock = time.Date(2026, 3, 8, 4, 0, 0, 0, ny)
	if q, _ := s.Queue(ctx, uid, ReviewFilter{}); q.Today != srs.DateOf(2026, 3, 8) || q.Due != 1 {
		t.Fatalf("04:00 on the DST day: %+v, want 2026-03-08 with card 1 due", q)
	}
}

func TestNextCardOrder(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 2
	s, uid, clock := reviewFixture(t, 6, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	grade(t, s, uid, 3, 5) // due 05-02
	grade(t, s, uid, 5, 1) // due 05-02, re-drill today
	*clock = clock.AddDate(0, 0, 3)
	s.SetSuspended(ctx, uid, 3, true)
	// Due: 5 (overdue), then new 1, 2 (limit 2), never the suspended 3.
	var order []int64
	for {
		qc, err := s.NextCard(ctx, uid, ReviewFilter{}, 0)
		if errors.Is(err, ErrQueueEmpty) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, qc.Card.ID)
		g := srs.Grade(5)
		if qc.Card.ID == 1 && !qc.Redrill {
			g = 3 // into re-drill, then passes on its second showing
		}
		grade(t, s, uid, qc.Card.ID, g)
		if len(order) > 10 {
			t.Fatalf("queue never empties: %v", order)
		}
	}
	if fmt.Sprint(order) != "[5 1 2 1]" {
		t.Fatalf("order %v, want [5 1 2 1]: due, new up to the limit, then re-drill", order)
	}
}

// TestGroupCommitKeepsGradesApart grades from many goroutines at once, so
// grades share commits, with refusals among them: each caller gets its own
// verdict and the log holds exactly the accepted grades.
func TestGroupCommitKeepsGradesApart(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 1000
	s, uid, _ := reviewFixture(t, 40, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	type verdict struct {
		card int64
		err  error
	}
	results := make(chan verdict, 80)
	for i := range 80 {
		go func() {
			card := int64(i%40 + 1) // every card twice: one grade applies, one is refused
			_, err := s.GradeCard(ctx, uid, Grade{CardID: card, Grade: 5, Step: -1})
			results <- verdict{card, err}
		}()
	}
	ok := map[int64]int{}
	for range 80 {
		v := <-results
		switch {
		case v.err == nil:
			ok[v.card]++
		case !errors.Is(v.err, ErrConflict):
			t.Fatalf("card %d: %v", v.card, v.err)
		}
	}
	for card := int64(1); card <= 40; card++ {
		if ok[card] != 1 {
			t.Fatalf("card %d accepted %d times", card, ok[card])
		}
	}
	sum, _ := s.Summary(ctx, uid)
	if sum.Reviewed != 40 || sum.Counted != 40 {
		t.Fatalf("log holds %d reviews (%d counted), want 40", sum.Reviewed, sum.Counted)
	}
}

// The new-card and re-drill counts are kept by triggers; every way a card
// enters or leaves either pile must move them, and the queue must show it.
func TestKeptQueueCountsFollowEveryChange(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 100
	s, uid, _ := reviewFixture(t, 6, st, time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	cards, err := s.ListCards(ctx, uid, CardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	step := func(what string, wantNew, wantRedrill int) {
		t.Helper()
		if err := s.CheckCounts(ctx); err != nil {
			t.Fatalf("after %s: %v", what, err)
		}
		q, err := s.Queue(ctx, uid, ReviewFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if q.New != wantNew || q.Redrill != wantRedrill {
			t.Fatalf("after %s: %d new cards and %d re-drills in the queue, want %d and %d", what, q.New, q.Redrill, wantNew, wantRedrill)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	undo := func() {
		t.Helper()
		_, err := s.Undo(ctx, uid)
		must(err)
	}
	step("the import", 6, 0)
	grade(t, s, uid, cards[0].ID, 5)
	step("a grade", 5, 0)
	undo()
	step("its undo", 6, 0)
	must(s.SetSuspended(ctx, uid, cards[1].ID, true))
	step("a suspension", 5, 0)
	must(s.SetSuspended(ctx, uid, cards[1].ID, false))
	step("its end", 6, 0)
	must(s.DeleteCard(ctx, uid, cards[2].ID))
	step("a deletion", 5, 0)
	_, err = s.CreateCard(ctx, uid, CardInput{Front: "f", Back: "b", Category: "data-quality"})
	must(err)
	step("a new card", 6, 0)

	grade(t, s, uid, cards[3].ID, 2)
	step("a failed card", 5, 1)
	must(s.SetSuspended(ctx, uid, cards[3].ID, true))
	step("its suspension", 5, 0)
	must(s.SetSuspended(ctx, uid, cards[3].ID, false))
	step("its return", 5, 1)
	grade(t, s, uid, cards[3].ID, 1)
	step("a failed re-drill", 5, 1)
	grade(t, s, uid, cards[3].ID, 4)
	step("a passed re-drill", 5, 0)
	undo()
	step("its undo", 5, 1)
	undo()
	undo()
	step("undoing the card's day", 6, 0)
	grade(t, s, uid, cards[3].ID, 0)
	must(s.DeleteCard(ctx, uid, cards[3].ID))
	step("deleting a re-drill", 5, 0)

	other, err := s.CreateUser(ctx, "bob", "correct horse", st)
	must(err)
	_, err = s.ImportDrafts(ctx, other.ID, "deck", []CardDraft{{Key: "x", Front: "x", Back: "y", Category: "data-quality"}}, nil)
	must(err)
	next, err := s.NextCard(ctx, other.ID, ReviewFilter{}, 0)
	must(err)
	grade(t, s, other.ID, next.Card.ID, 1)
	must(s.DeleteUser(ctx, other.ID))
	step("another user came and went", 5, 0)
}

// The hot queries of the review path must seek an index, never walk a
// user's cards or sort them: their cost must not grow with the deck.
func TestReviewQueriesUseTheirIndexes(t *testing.T) {
	s := openTestStore(t)
	for _, q := range []string{qDayStart, qQueueHead, qNextDue(""), qNextNew(""), qNextRedrill(""),
		qGradeState, qCard, qQueueCard, qTokenUser, qSyncBuiltin, qNextCard} {
		n := strings.Count(q, "?")
		args := make([]any, n)
		for i := range args {
			args[i] = 1
		}
		rows, err := s.reader.Query("EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, "; ")
		if strings.Contains(all, "TEMP B-TREE") || regexp.MustCompile(`SCAN [a-z]`).MatchString(all) {
			t.Errorf("%s\nplan: %s", q, all)
		}
	}
}

// A grade that fails after writing (here a trigger aborts its state update,
// after its review row went in) fails alone: the batch it shared a
// transaction with is replayed grade by grade, and nothing of it remains.
func TestGroupCommitIsolatesAFailedWrite(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 1000
	s, uid, _ := reviewFixture(t, 4, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	if _, err := s.writer.Exec(`CREATE TRIGGER fail_card_3 BEFORE UPDATE OF due ON card_state
		WHEN NEW.card_id = 3 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`); err != nil {
		t.Fatal(err)
	}
	var batch []gradeRequest
	for card := int64(1); card <= 4; card++ {
		batch = append(batch, gradeRequest{ctx: ctx, userID: uid, g: Grade{CardID: card, Grade: 5, Step: -1},
			done: make(chan gradeResponse, 1)})
	}
	s.commits.commit(batch)
	for i, r := range batch {
		got := <-r.done
		if failed := got.err != nil; failed != (i == 2) {
			t.Errorf("card %d: %v", i+1, got.err)
		}
	}
	sum, _ := s.Summary(ctx, uid)
	if sum.Reviewed != 3 {
		t.Errorf("log holds %d reviews, want 3", sum.Reviewed)
	}
	if c, _ := s.GetCard(ctx, uid, 3); c.Sched.Graded {
		t.Errorf("card 3 was graded: %+v", c.Sched)
	}
}

// The whole queue's next card comes from two statements without a
// transaction; the filtered path, in one transaction, is the reference.
// Through days of random grades, undos and suspensions they must agree on
// the card, its kind, its step and every count.
func TestNextCardFastPathAgreesWithTheTransaction(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay, st.ReviewsPerDay = 7, 12
	s, uid, clock := reviewFixture(t, 40, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	rng := rand.New(rand.NewPCG(1, 2))
	compare := func(step int) (QueueCard, bool) {
		t.Helper()
		fast, ferr := s.NextCard(ctx, uid, ReviewFilter{}, 0)
		slow, serr := s.nextCard(ctx, uid, ReviewFilter{}, 0)
		if !errors.Is(ferr, serr) && ferr != serr {
			t.Fatalf("step %d: fast path %v, transaction %v", step, ferr, serr)
		}
		if ferr != nil {
			if !errors.Is(ferr, ErrQueueEmpty) {
				t.Fatalf("step %d: %v", step, ferr)
			}
			return QueueCard{}, false
		}
		if fast.Card.ID != slow.Card.ID || fast.Redrill != slow.Redrill || fast.Step != slow.Step || fast.Queue != slow.Queue {
			t.Fatalf("step %d: fast path card %d redrill %v step %d %+v; transaction card %d redrill %v step %d %+v", step,
				fast.Card.ID, fast.Redrill, fast.Step, fast.Queue, slow.Card.ID, slow.Redrill, slow.Step, slow.Queue)
		}
		return fast, true
	}
	shown := 0
	for step := range 600 {
		qc, ok := compare(step)
		switch r := rng.IntN(20); {
		case !ok || r == 0:
			*clock = clock.Add(24 * time.Hour)
		case r == 1:
			s.Undo(ctx, uid) // may have nothing to undo
		case r == 2:
			if err := s.SetSuspended(ctx, uid, qc.Card.ID, rng.IntN(2) == 0); err != nil {
				t.Fatal(err)
			}
		default:
			shown++
			grade(t, s, uid, qc.Card.ID, srs.Grade(rng.IntN(6)))
		}
	}
	if shown < 300 {
		t.Fatalf("only %d cards graded", shown)
	}
}

// Moving the time zone back can make today a day before the latest day
// with grades; today's limits must then count today's own grades, not the
// latest day's.
func TestTodayBeforeTheLatestDayWithGrades(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.Timezone, st.NewPerDay = "Pacific/Kiritimati", 3 // UTC+14
	// 11:00 UTC on 1 May is 01:00 on 2 May in Kiritimati: before the 4:00
	// rollover, study day 1 May.
	s, uid, _ := reviewFixture(t, 10, st, time.Date(2026, 5, 1, 11, 0, 0, 0, time.UTC))
	for range 2 {
		next, err := s.NextCard(ctx, uid, ReviewFilter{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		grade(t, s, uid, next.Card.ID, 5)
	}
	q, err := s.Queue(ctx, uid, ReviewFilter{})
	if err != nil || q.NewLeft != 1 {
		t.Fatalf("after two new cards: %d new left (%v), want 1", q.NewLeft, err)
	}
	// In Honolulu (UTC-10) it is 01:00 on 1 May: study day 30 April, with
	// no grades.
	st.Timezone = "Pacific/Honolulu"
	if err := s.UpdateSettings(ctx, uid, st); err != nil {
		t.Fatal(err)
	}
	for _, f := range []func() (DayQueue, error){
		func() (DayQueue, error) { return s.Queue(ctx, uid, ReviewFilter{}) },
		func() (DayQueue, error) {
			qc, err := s.NextCard(ctx, uid, ReviewFilter{}, 0)
			return qc.Queue, err
		},
	} {
		q, err := f()
		if err != nil || q.NewLeft != 3 || q.Today != srs.DateOf(2026, time.April, 30) {
			t.Fatalf("in Honolulu: day %v, %d new left (%v); want 30 April and 3", q.Today, q.NewLeft, err)
		}
	}
}

// What was studied today stays counted: deleting a studied card, or its
// deck, keeps its grade counted against the daily limits.
func TestDeletingAStudiedCardKeepsItsDailySlot(t *testing.T) {
	ctx := context.Background()
	next := func(s *Store, uid int64) (int64, error) {
		qc, err := s.NextCard(ctx, uid, ReviewFilter{}, 0)
		return qc.Card.ID, err
	}
	t.Run("new cards", func(t *testing.T) {
		st := DefaultSettings()
		st.NewPerDay = 2
		s, uid, _ := reviewFixture(t, 5, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
		var studied []int64
		for range 2 {
			id, err := next(s, uid)
			if err != nil {
				t.Fatal(err)
			}
			grade(t, s, uid, id, 5)
			studied = append(studied, id)
		}
		if err := s.DeleteCard(ctx, uid, studied[0]); err != nil {
			t.Fatal(err)
		}
		if id, err := next(s, uid); !errors.Is(err, ErrQueueEmpty) {
			t.Fatalf("after studying 2 new cards of 2 and deleting one, the queue offers card %d (%v)", id, err)
		}
		if q, _ := s.Queue(ctx, uid, ReviewFilter{}); q.NewLeft != 0 {
			t.Fatalf("after the deletion: %d new cards left today, want 0", q.NewLeft)
		}
		if _, err := s.GradeCard(ctx, uid, Grade{CardID: 5, Grade: 5, Step: -1}); !errors.Is(err, ErrConflict) {
			t.Fatalf("grading a third new card: %v, want a conflict", err)
		}
	})
	t.Run("reviews, a deck deleted", func(t *testing.T) {
		st := DefaultSettings()
		st.NewPerDay, st.ReviewsPerDay = 3, 1
		s, uid, clock := reviewFixture(t, 1, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)) // card 1 in "deck"
		drafts := []CardDraft{{Key: "b1", Front: "b1", Back: "b", Category: "data-quality"}, {Key: "b2", Front: "b2", Back: "b", Category: "data-quality"}}
		if _, err := s.ImportDrafts(ctx, uid, "other", drafts, nil); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			id, err := next(s, uid)
			if err != nil {
				t.Fatal(err)
			}
			grade(t, s, uid, id, 5)
		}
		*clock = clock.AddDate(0, 0, 1) // all three are due; one review is allowed
		id, err := next(s, uid)
		if err != nil {
			t.Fatal(err)
		}
		grade(t, s, uid, id, 4)
		c, err := s.GetCard(ctx, uid, id)
		if err != nil {
			t.Fatal(err)
		}
		decks, err := s.ListDecks(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range decks {
			if d.Name == c.Deck {
				if err := s.DeleteDeck(ctx, uid, d.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if id, err := next(s, uid); !errors.Is(err, ErrQueueEmpty) {
			t.Fatalf("after the day's one review and deleting its deck, the queue offers card %d (%v)", id, err)
		}
	})
}

// TestQueueCardSaysWhatEachGradeDoes: the comebacks the grade buttons show
// for the card up now are what grading it then does, for new, due and
// re-drilled cards, and Done counts the cards counted today.
func TestQueueCardSaysWhatEachGradeDoes(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 4
	s, uid, clock := reviewFixture(t, 6, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	rng := rand.New(rand.NewPCG(3, 4))
	kinds := map[string]int{}
	for day := range 12 {
		counted := 0
		for {
			qc, err := s.NextCard(ctx, uid, ReviewFilter{}, 0)
			if errors.Is(err, ErrQueueEmpty) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if qc.Queue.Done != counted {
				t.Fatalf("day %d: Done = %d, want %d cards counted", day, qc.Queue.Done, counted)
			}
			cbs, err := qc.Comebacks()
			if err != nil {
				t.Fatalf("day %d, card %d: %v", day, qc.Card.ID, err)
			}
			g := srs.Grade(rng.IntN(6))
			r := grade(t, s, uid, qc.Card.ID, g)
			if got := (srs.Comeback{Today: r.Redrill, Days: r.Due.Sub(qc.Queue.Today)}); got != cbs[g] {
				t.Fatalf("day %d, card %d graded %d: the button said %+v, the grade did %+v", day, qc.Card.ID, g, cbs[g], got)
			}
			switch {
			case qc.Redrill:
				kinds["re-drill"]++
			case qc.Card.Sched.Graded:
				kinds["due"]++
			default:
				kinds["new"]++
			}
			if r.Counted {
				counted++
			}
		}
		*clock = clock.AddDate(0, 0, 1)
	}
	if kinds["new"] != 6 || kinds["due"] < 10 || kinds["re-drill"] < 10 {
		t.Fatalf("graded %v: want every kind of card many times", kinds)
	}
}
