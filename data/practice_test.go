package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// rowOf is one row of a query, every column with its Go type, so two
// snapshots compare bit for bit (a float that moved in its last bit shows).
func rowOf(t testing.TB, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.reader.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		t.Fatalf("no row for %s %v", query, args)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, c := range cols {
		fmt.Fprintf(&b, "%s=%#v ", c, vals[i])
	}
	return b.String()
}

// sm2Columns are card_state's columns a practice grade must leave alone:
// all but the memory state.
const sm2Columns = `SELECT card_id, user_id, category_id, deck_id, suspended, repetitions, interval, ease, due,
	lapses, last_day, redrill_day, redrill_since, trashed FROM card_state WHERE card_id = ?`

func practise(t testing.TB, s *Store, uid, card int64, g srs.Grade) GradeResult {
	t.Helper()
	r, err := s.GradeCard(context.Background(), uid, Grade{CardID: card, Grade: g, Step: -1, Practice: true})
	if err != nil {
		t.Fatalf("practise card %d with %d: %v", card, g, err)
	}
	return r
}

// Practice grades on a new card, a card not due for weeks and a card in
// today's re-drill queue: the SM-2 columns of card_state and the day's
// counts stay byte-identical, the memory state moves, and undo puts the
// whole row back as it was, memory included.
func TestPracticeGradeLeavesSM2StateByteIdentical(t *testing.T) {
	ctx := context.Background()
	s, uid, clock := reviewFixture(t, 3, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	grade(t, s, uid, 2, 5) // card 2: not due for days
	grade(t, s, uid, 3, 5)
	*clock = clock.Add(24 * time.Hour)
	grade(t, s, uid, 3, 2) // card 3: due today, failed: in re-drill
	dayRow := func() string {
		today, _ := s.Today(ctx, uid)
		return rowOf(t, s, `SELECT new_done, reviews_done, redrills, gone_new, gone_reviews FROM day_counts
			WHERE user_id = ? AND study_day = ?`, uid, int(today))
	}
	redrillBefore, _ := s.Queue(ctx, uid, ReviewFilter{})
	if redrillBefore.Redrill != 1 {
		t.Fatalf("set-up: card 3 should be in re-drill, the queue is %+v", redrillBefore)
	}
	for _, card := range []int64{1, 2, 3} {
		sm2 := rowOf(t, s, sm2Columns, card)
		full := rowOf(t, s, "SELECT * FROM card_state WHERE card_id = ?", card)
		counts := dayRow()
		for _, g := range []srs.Grade{5, 0, 4} {
			res := practise(t, s, uid, card, g)
			if res.Counted {
				t.Fatalf("card %d: a practice grade reported counted", card)
			}
			if got := rowOf(t, s, sm2Columns, card); got != sm2 {
				t.Fatalf("card %d after a practice %d:\n got  %s\n want %s", card, g, got, sm2)
			}
			if got := dayRow(); got != counts {
				t.Fatalf("card %d: the day's counts moved:\n got  %s\n want %s", card, got, counts)
			}
		}
		c, _ := s.GetCard(ctx, uid, card)
		if !c.Reviewed || c.Memory.Stability <= 0 {
			t.Fatalf("card %d: practice grades left no memory state: %+v", card, c.Memory)
		}
		for range 3 {
			if r, err := s.Undo(ctx, uid); err != nil || r.CardID != card {
				t.Fatalf("undo of card %d's practice grade: %+v %v", card, r, err)
			}
		}
		if got := rowOf(t, s, "SELECT * FROM card_state WHERE card_id = ?", card); got != full {
			t.Fatalf("card %d after undoing its practice grades:\n got  %s\n want %s", card, got, full)
		}
	}
	if q, _ := s.Queue(ctx, uid, ReviewFilter{}); q.Redrill != 1 {
		t.Fatalf("practice took card 3 out of re-drill: %+v", q)
	}
}

// A card practised today is still up for its review by the schedule, as
// if the practice grades were not there: a new card stays new (and takes
// a new-card slot only when reviewed), a re-drill card stays in re-drill
// through a practice 5.
func TestPractisedCardIsStillReviewedBySchedule(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 1
	s, uid, _ := reviewFixture(t, 3, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	practise(t, s, uid, 1, 5)
	practise(t, s, uid, 2, 5)
	q, err := s.NextCard(ctx, uid, ReviewFilter{}, 0)
	if err != nil || q.Card.ID != 1 || q.Redrill || q.Step != 1 {
		t.Fatalf("next card after practising cards 1 and 2: %+v %v, want card 1 new at step 1", q, err)
	}
	// The form's step counts the practice grade: a stale one is refused.
	if _, err := s.GradeCard(ctx, uid, Grade{CardID: 1, Grade: 2, Step: 0}); !errors.Is(err, ErrConflict) {
		t.Fatalf("a grade at a stale step: %v, want a conflict", err)
	}
	r, err := s.GradeCard(ctx, uid, Grade{CardID: 1, Grade: 2, Step: 1})
	if err != nil || !r.Counted || !r.Redrill {
		t.Fatalf("the review of a practised new card: %+v %v, want counted and in re-drill", r, err)
	}
	// The one new-card slot is taken by card 1's review, not by practice.
	if q, _ := s.Queue(ctx, uid, ReviewFilter{}); q.NewLeft != 0 || q.Done != 1 {
		t.Fatalf("queue after one review: %+v", q)
	}
	practise(t, s, uid, 1, 5)
	if q, err := s.NextCard(ctx, uid, ReviewFilter{}, 0); err != nil || q.Card.ID != 1 || !q.Redrill {
		t.Fatalf("after a practice 5 card 1 must still be in re-drill: %+v %v", q, err)
	}
	// Card 3, new and not practised, cannot be reviewed (no new-card slot)
	// but can be practised: practice has no limit.
	if _, err := s.GradeCard(ctx, uid, Grade{CardID: 3, Grade: 4, Step: -1}); !errors.Is(err, ErrConflict) {
		t.Fatalf("a review beyond the new-card limit: %v, want a conflict", err)
	}
	practise(t, s, uid, 3, 4)
}

// Practice is refused for a card out of play, in words, and changes nothing.
func TestPracticeRefusesCardsOutOfPlay(t *testing.T) {
	ctx := context.Background()
	s, uid, _ := reviewFixture(t, 3, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	if err := s.SetSuspended(ctx, uid, 1, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GradeCard(ctx, uid, Grade{CardID: 1, Grade: 4, Step: -1, Practice: true}); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "suspended") {
		t.Fatalf("practising a suspended card: %v", err)
	}
	if _, err := s.GradeCard(ctx, uid, Grade{CardID: 999, Grade: 4, Step: -1, Practice: true}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("practising a card that is not there: %v", err)
	}
	if _, err := s.GradeCard(ctx, uid, Grade{CardID: 2, Grade: 9, Step: -1, Practice: true}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a practice grade of 9: %v", err)
	}
	var n int
	s.reader.QueryRow("SELECT COUNT(*) FROM reviews").Scan(&n)
	if n != 0 {
		t.Fatalf("refused practice grades wrote %d reviews", n)
	}
}

// Practice goes through every card of the scope, weakest recall first,
// new cards as recall 0, past the day's limits, each card once a round;
// then it says the scope is done and a new round starts it over.
func TestPracticeNextWalksTheWholeScope(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 0 // the day's queue is empty: practice does not care
	s, uid, clock := reviewFixture(t, 4, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	// Cards 1 and 2 reviewed (as practice, the only way with no new slots),
	// 2 failed; ten days later 2 is weaker than 1, 3 and 4 are new.
	practise(t, s, uid, 1, 5)
	practise(t, s, uid, 2, 1)
	*clock = clock.Add(10 * 24 * time.Hour)
	if _, err := s.NextCard(ctx, uid, ReviewFilter{}, 0); !errors.Is(err, ErrQueueEmpty) {
		t.Fatalf("the day's queue should be empty: %v", err)
	}
	var order []int64
	for range 10 {
		pc, err := s.PracticeNext(ctx, uid, PracticeQuery{})
		if errors.Is(err, ErrPracticeDone) {
			if pc.Practised != 4 || pc.Left != 0 || pc.NextRound == 0 {
				t.Fatalf("the end of the round: %+v", pc)
			}
			again, err := s.PracticeNext(ctx, uid, PracticeQuery{Round: pc.NextRound})
			if err != nil || again.Left != 4 {
				t.Fatalf("a new round: %+v %v, want all 4 cards again", again, err)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if pc.Left != 4-len(order) || pc.Practised != len(order) {
			t.Fatalf("card %d: left %d practised %d after %v", pc.Card.ID, pc.Left, pc.Practised, order)
		}
		order = append(order, pc.Card.ID)
		if _, err := s.GradeCard(ctx, uid, Grade{CardID: pc.Card.ID, Grade: 4, Step: pc.Step, Practice: true}); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(order) != "[3 4 2 1]" {
		t.Fatalf("practice order %v, want the new cards (recall 0) by id, then 2 (failed), then 1", order)
	}
	// Undo gives the last card back to the round, and it is shown first.
	if _, err := s.Undo(ctx, uid); err != nil {
		t.Fatal(err)
	}
	if pc, err := s.PracticeNext(ctx, uid, PracticeQuery{Prefer: 1}); err != nil || pc.Card.ID != 1 || pc.Left != 1 {
		t.Fatalf("after undo: %+v %v", pc, err)
	}
	// A scope: a category with no cards is done at once; a suspended card is out.
	if _, err := s.PracticeNext(ctx, uid, PracticeQuery{Filter: ReviewFilter{Category: "no-such"}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an unknown category: %v", err)
	}
	if err := s.SetSuspended(ctx, uid, 1, true); err != nil {
		t.Fatal(err)
	}
	if pc, err := s.PracticeNext(ctx, uid, PracticeQuery{Prefer: 1}); !errors.Is(err, ErrPracticeDone) || pc.Practised != 3 {
		t.Fatalf("with card 1 suspended: %+v %v", pc, err)
	}
}

// TestPracticeFailedCardsComeAgain: a card failed in a practice round
// comes back after the cards not yet practised, until it is passed; a
// pass takes it out of the round.
func TestPracticeFailedCardsComeAgain(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	s, uid, _ := reviewFixture(t, 3, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	var got []string
	for _, g := range []srs.Grade{2, 5, 3, 4, 4} {
		pc, err := s.PracticeNext(ctx, uid, PracticeQuery{})
		if err != nil {
			t.Fatalf("after %v: %v", got, err)
		}
		got = append(got, fmt.Sprintf("%d:%d/%d", pc.Card.ID, pc.Left, pc.Practised))
		if _, err := s.GradeCard(ctx, uid, Grade{CardID: pc.Card.ID, Grade: g, Step: pc.Step, Practice: true}); err != nil {
			t.Fatal(err)
		}
	}
	// Card 1 failed (2), 2 passed, 3 failed (3 is below the re-drill pass
	// of 4), then 1 and 3 again, weakest first, each passed.
	if want := "[1:3/0 2:3/0 3:2/1 1:2/1 3:1/2]"; fmt.Sprint(got) != want {
		t.Errorf("card:left/practised %v, want %s", got, want)
	}
	if pc, err := s.PracticeNext(ctx, uid, PracticeQuery{}); !errors.Is(err, ErrPracticeDone) || pc.Practised != 3 {
		t.Errorf("after every card passed: %+v %v, want the round done with 3 practised", pc, err)
	}
}

// "Study more today" raises the day's limits for today only, and refuses
// bad amounts in words without changing anything.
func TestStudyMoreRaisesTodayOnly(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 1
	s, uid, clock := reviewFixture(t, 5, st, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	grade(t, s, uid, 1, 5)
	if q, _ := s.Queue(ctx, uid, ReviewFilter{}); q.NewLeft != 0 {
		t.Fatalf("set-up: %+v", q)
	}
	for _, bad := range [][2]int{{-1, 0}, {0, 0}, {501, 0}, {0, 2001}} {
		if _, _, err := s.StudyMore(ctx, uid, bad[0], bad[1]); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "day") {
			t.Fatalf("StudyMore%v: %v, want a refusal in words", bad, err)
		}
	}
	if n, r, _ := s.StudyMoreToday(ctx, uid); n != 0 || r != 0 {
		t.Fatalf("refused raises left %d, %d", n, r)
	}
	if n, _, err := s.StudyMore(ctx, uid, 2, 0); err != nil || n != 2 {
		t.Fatalf("a raise of 2: %d %v", n, err)
	}
	if n, _, err := s.StudyMore(ctx, uid, 1, 50); err != nil || n != 3 {
		t.Fatalf("another raise: %d %v", n, err)
	}
	if q, _ := s.Queue(ctx, uid, ReviewFilter{}); q.NewLeft != 3 || q.New != 3 {
		t.Fatalf("after raising by 3: %+v", q)
	}
	for _, card := range []int64{2, 3, 4} {
		grade(t, s, uid, card, 5)
	}
	if _, err := s.GradeCard(ctx, uid, Grade{CardID: 5, Grade: 5, Step: -1}); !errors.Is(err, ErrConflict) {
		t.Fatalf("a fifth new card beyond the raise: %v", err)
	}
	*clock = clock.Add(24 * time.Hour)
	if q, _ := s.Queue(ctx, uid, ReviewFilter{}); q.NewLeft != 1 {
		t.Fatalf("the next study day the raise is gone: %+v", q)
	}
	if n, r, _ := s.StudyMoreToday(ctx, uid); n != 0 || r != 0 {
		t.Fatalf("yesterday's raise still reported: %d %d", n, r)
	}
}

// Export carries each review's kind; restore brings practice grades back
// as practice grades (memory recomputed with them, the schedule from the
// cards' states), reads an export without kinds as reviews, and refuses an
// unknown kind or a practice grade that claims to change the schedule.
func TestPracticeGradesExportAndRestore(t *testing.T) {
	ctx := context.Background()
	s, uid, _ := reviewFixture(t, 2, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	grade(t, s, uid, 1, 4)
	practise(t, s, uid, 1, 1)
	practise(t, s, uid, 2, 5)
	var doc bytes.Buffer
	if err := s.ExportJSON(ctx, uid, &doc); err != nil {
		t.Fatal(err)
	}
	exported := doc.String()
	if strings.Count(exported, `"kind":"practice"`) != 2 || strings.Count(exported, `"kind":"review"`) != 1 {
		t.Fatalf("the export's kinds: %s", exported)
	}
	restoreAs := func(name, text string) (User, error) {
		u, err := s.CreateUser(ctx, name, "correct horse", DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.RestoreExport(ctx, u.ID, strings.NewReader(text))
		return u, err
	}
	bob, err := restoreAs("bob", exported)
	if err != nil {
		t.Fatal(err)
	}
	kinds := rowOf(t, s, `SELECT group_concat(kind, ',') FROM (SELECT kind FROM reviews WHERE user_id = ? ORDER BY id)`, bob.ID)
	if !strings.Contains(kinds, `"review,practice,practice"`) {
		t.Fatalf("restored kinds: %s", kinds)
	}
	for _, key := range []string{"k0", "k1"} {
		q := `SELECT s.repetitions, s.interval, s.ease, s.due, s.lapses, s.last_day, s.stability, s.difficulty, s.memory_day
			FROM card_state s JOIN cards c ON c.id = s.card_id WHERE c.user_id = ? AND c.key = ?`
		if a, b := rowOf(t, s, q, uid, key), rowOf(t, s, q, bob.ID, key); a != b {
			t.Fatalf("card %s restored as %s, was %s", key, b, a)
		}
	}
	// An export from before kinds: every review is a review.
	old := strings.ReplaceAll(strings.ReplaceAll(exported, `,"kind":"practice"`, ""), `,"kind":"review"`, "")
	if strings.Contains(old, "kind") {
		t.Fatal("the test's old export still has kinds")
	}
	// Practice grades in an old export look like re-drills that changed
	// nothing: restore them as reviews.
	cat, err := restoreAs("cat", old)
	if err != nil {
		t.Fatalf("restoring an export without kinds: %v", err)
	}
	if k := rowOf(t, s, `SELECT COUNT(*) FROM reviews WHERE user_id = ? AND kind = 'review'`, cat.ID); !strings.Contains(k, "3") {
		t.Fatalf("an old export's reviews: %s", k)
	}
	for _, bad := range []struct{ from, to, want string }{
		{`"kind":"practice"`, `"kind":"cram"`, `kind "cram" is neither`},
		{`"counted":false`, `"counted":true`, "never counted"},
	} {
		_, err := restoreAs("dan"+fmt.Sprint(len(bad.want)), strings.Replace(exported, bad.from, bad.to, 1))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), bad.want) {
			t.Fatalf("restore with %s: %v, want %q", bad.to, err, bad.want)
		}
	}
}

// What practice grades count in: recall today and at-risk move; mastery,
// its trend, recall 30d, lapses and the grade distribution do not (they
// read intervals and counted grades); the heatmap counts them as activity.
func TestPracticeGradesInTheFigures(t *testing.T) {
	ctx := context.Background()
	s, uid, clock := reviewFixture(t, 2, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	grade(t, s, uid, 1, 5)
	*clock = clock.Add(3 * 24 * time.Hour) // card 1's recall has fallen a little
	figures := func() (CategoryMastery, string, Stats) {
		rep, err := s.Mastery(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		trend, err := s.MasteryTrend(ctx, uid, rep)
		if err != nil {
			t.Fatal(err)
		}
		st, err := s.Stats(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range rep.Categories {
			if c.Slug == "data-quality" {
				return c, fmt.Sprint(trend), st
			}
		}
		t.Fatal("no data-quality category")
		return CategoryMastery{}, "", Stats{}
	}
	before, trendBefore, statsBefore := figures()
	practise(t, s, uid, 1, 0)
	practise(t, s, uid, 2, 1)
	after, trendAfter, statsAfter := figures()
	if after.Mastery != before.Mastery || after.Credit != before.Credit || after.Recall30 != before.Recall30 ||
		after.Lapses != before.Lapses || after.New != before.New || after.LastReviewed != before.LastReviewed {
		t.Errorf("practice moved the schedule's figures:\n before %+v\n after  %+v", before, after)
	}
	if trendAfter != trendBefore {
		t.Errorf("practice moved the mastery trend:\n before %s\n after  %s", trendBefore, trendAfter)
	}
	if fmt.Sprint(statsAfter.Grades) != fmt.Sprint(statsBefore.Grades) {
		t.Errorf("practice moved the grade distribution: %v, was %v", statsAfter.Grades, statsBefore.Grades)
	}
	if statsAfter.Reviews != statsBefore.Reviews+2 {
		t.Errorf("the heatmap counts %d grades, want %d (practice is activity)", statsAfter.Reviews, statsBefore.Reviews+2)
	}
	// Both cards practised today: recall today is 100 % on the day of a
	// review, and card 2, never reviewed before, now starts its category.
	if after.Reviewed != 2 || after.RecallNow != 100 || before.RecallNow >= 100 || before.Reviewed != 1 {
		t.Errorf("recall today: before %d cards at %.2f, after %d at %.2f; want 2 cards at 100 after practice",
			before.Reviewed, before.RecallNow, after.Reviewed, after.RecallNow)
	}
}
