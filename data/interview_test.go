package data

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// interviewFixture is a user with cards in two categories: ids 1..inScope
// in data-quality, the rest in accuracy-only.
func interviewFixture(t testing.TB, inScope, other int, st Settings, now time.Time) (*Store, int64, *time.Time) {
	t.Helper()
	s := openTestStore(t)
	clock := now
	s.Now = func() time.Time { return clock }
	u, err := s.CreateUser(context.Background(), "ada", "correct horse", st)
	if err != nil {
		t.Fatal(err)
	}
	var drafts []CardDraft
	for i := range inScope + other {
		cat := "data-quality"
		if i >= inScope {
			cat = "accuracy-only"
		}
		drafts = append(drafts, CardDraft{Key: fmt.Sprint("k", i), Front: fmt.Sprint("front ", i), Back: "back", Category: cat})
	}
	if _, err := s.ImportDrafts(context.Background(), u.ID, "deck", drafts, nil); err != nil {
		t.Fatal(err)
	}
	return s, u.ID, &clock
}

func setInterview(t testing.TB, s *Store, uid int64, d srs.Day, k int, onTime bool, scope ...string) {
	t.Helper()
	if err := s.UpdateInterview(context.Background(), uid, InterviewSettings{Date: d, HasDate: true, FinalDays: k, NewOnTime: onTime, Scope: scope}); err != nil {
		t.Fatal(err)
	}
}

// drain shows and grades cards until the queue is empty, and returns the
// ids in the order shown.
func drain(t *testing.T, s *Store, uid int64, g srs.Grade) []int64 {
	t.Helper()
	var order []int64
	for {
		qc, err := s.NextCard(context.Background(), uid, ReviewFilter{}, 0)
		if errors.Is(err, ErrQueueEmpty) {
			return order
		}
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, qc.Card.ID)
		grade(t, s, uid, qc.Card.ID, g)
		if len(order) > 200 {
			t.Fatalf("queue never empties: %v", order)
		}
	}
}

func TestInterviewSettingsAreValidatedAndKept(t *testing.T) {
	ctx := context.Background()
	s, uid, _ := interviewFixture(t, 1, 1, DefaultSettings(), time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
	got, err := s.Interview(ctx, uid)
	if err != nil || !reflect.DeepEqual(got, DefaultInterviewSettings()) {
		t.Fatalf("a new account's interview settings: %+v %v, want %+v", got, err, DefaultInterviewSettings())
	}
	want := InterviewSettings{Date: srs.DateOf(2026, 12, 20), HasDate: true, FinalDays: 5, Scope: []string{"data-quality", "accuracy-only"}}
	if err := s.UpdateInterview(ctx, uid, want); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Interview(ctx, uid)
	// Listed in the categories' order, whatever order they were given in.
	want.Scope = []string{"accuracy-only", "data-quality"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stored %+v, want %+v", got, want)
	}
	for _, tt := range []struct {
		name string
		iv   InterviewSettings
		msg  string
	}{
		{"unknown slug", InterviewSettings{FinalDays: 3, Scope: []string{"data-quality", "cooking"}}, `The interview's categories name a category "cooking" you do not have`},
		{"K 0", InterviewSettings{FinalDays: 0}, "The final pass must be a whole number of days from 1 to 14"},
		{"K 15", InterviewSettings{FinalDays: 15}, "from 1 to 14"},
		{"past date", InterviewSettings{Date: srs.DateOf(2026, 12, 6), HasDate: true, FinalDays: 3}, "The interview date 2026-12-06 has passed; today is 2026-12-07"},
		{"too far", InterviewSettings{Date: srs.DateOf(2040, 1, 1), HasDate: true, FinalDays: 3}, "more than ten years ahead"},
	} {
		err := s.UpdateInterview(ctx, uid, tt.iv)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v, want ErrInvalid saying %q", tt.name, err, tt.msg)
		}
		if after, _ := s.Interview(ctx, uid); !reflect.DeepEqual(after, want) {
			t.Errorf("%s: a refused update changed the settings to %+v", tt.name, after)
		}
	}
	// A date that has passed may stay while other fields change.
	want.Date = srs.DateOf(2026, 12, 7)
	if err := s.UpdateInterview(ctx, uid, want); err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC) }
	want.FinalDays = 2
	if err := s.UpdateInterview(ctx, uid, want); err != nil {
		t.Errorf("changing K with a passed date kept: %v", err)
	}
	// Settings and interview in one transaction: a refusal keeps both.
	st := DefaultSettings()
	st.NewPerDay = 7
	bad := want
	bad.Scope = []string{"nope"}
	if err := s.UpdateSettingsAndInterview(ctx, uid, st, bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad scope with good settings: %v", err)
	}
	if got, _ := s.UserSettings(ctx, uid); got.NewPerDay != DefaultSettings().NewPerDay {
		t.Errorf("a refused interview update kept the settings' change: %+v", got)
	}
}

// TestInterviewScopeComesFirst: with an interview ahead, the scope's due
// cards come first, then its new cards, then the others' due and new
// cards; once D has come, the queue is plain SM-2 again.
func TestInterviewScopeComesFirst(t *testing.T) {
	st := DefaultSettings()
	st.NewPerDay = 10
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	order := func(d srs.Day) []int64 {
		// Cards 1, 2 in data-quality, 3, 4 in accuracy-only; 1 and 3 due
		// tomorrow, 2 and 4 new.
		s, uid, clock := interviewFixture(t, 2, 2, st, start)
		grade(t, s, uid, 1, 4)
		grade(t, s, uid, 3, 4)
		setInterview(t, s, uid, d, 3, true, "accuracy-only")
		*clock = start.AddDate(0, 0, 1)
		return drain(t, s, uid, 4)
	}
	if got := order(srs.DateOf(2026, 12, 30)); !slices.Equal(got, []int64{3, 4, 1, 2}) {
		t.Errorf("interview ahead: order %v, want [3 4 1 2]: the scope's due and new cards, then the others'", got)
	}
	if got := order(srs.DateOf(2026, 12, 2)); !slices.Equal(got, []int64{1, 3, 2, 4}) {
		t.Errorf("on D: order %v, want plain SM-2's [1 3 2 4]: due cards, then new ones", got)
	}
}

// TestInterviewNewCardsOnTime: the day's new-card limit is raised for the
// scope so every new card is in before D-K; turned off, it is not.
func TestInterviewNewCardsOnTime(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.NewPerDay = 1
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	s, uid, clock := interviewFixture(t, 10, 3, st, start)
	// D Dec 9, K 3: D-K Dec 6, five days (1..5) for ten cards: two a day.
	setInterview(t, s, uid, srs.DateOf(2026, 12, 9), 3, true, "data-quality")
	q, err := s.Queue(ctx, uid, ReviewFilter{})
	if err != nil || q.New != 2 || q.NewLeft != 2 {
		t.Fatalf("day 1: %+v %v, want two new cards", q, err)
	}
	introduced := 0
	for day := range 5 {
		*clock = start.AddDate(0, 0, day)
		for _, id := range drain(t, s, uid, 5) {
			if id <= 10 {
				c, _ := s.GetCard(ctx, uid, id)
				if c.Sched.Graded && c.Sched.LastCounted == srs.StudyDay(*clock, time.UTC, 4) && c.Sched.State.Repetitions == 1 {
					introduced++
				}
			} else {
				t.Fatalf("day %d: out-of-scope card %d shown while the scope's pace takes the day's one slot", day+1, id)
			}
		}
	}
	if introduced != 10 {
		t.Fatalf("%d in-scope cards introduced before D-K, want all 10", introduced)
	}
	// Off: back to the day's limit of one.
	s2, uid2, _ := interviewFixture(t, 10, 0, st, start)
	setInterview(t, s2, uid2, srs.DateOf(2026, 12, 9), 3, false)
	if q, _ := s2.Queue(ctx, uid2, ReviewFilter{}); q.New != 1 {
		t.Fatalf("pacing off: %d new today, want the limit of 1", q.New)
	}
	if _, err := s2.GradeCard(ctx, uid2, Grade{CardID: 1, Grade: 4, Step: -1}); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.GradeCard(ctx, uid2, Grade{CardID: 2, Grade: 4, Step: -1}); !errors.Is(err, ErrConflict) {
		t.Fatalf("a second new card with pacing off: %v, want ErrConflict", err)
	}
}

// TestFinalPassAcrossTheBoundary: a card reviewed long ago and not due
// until after the interview is up exactly when the user's own study day
// reaches D-K, in two time zones whose study days start at different
// instants.
func TestFinalPassAcrossTheBoundary(t *testing.T) {
	ctx := context.Background()
	d := srs.DateOf(2026, 12, 20)
	from := srs.DateOf(2026, 12, 17) // D-K with K = 3
	for _, zone := range []string{"Pacific/Auckland", "America/Los_Angeles"} {
		t.Run(zone, func(t *testing.T) {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Skip(err)
			}
			st := DefaultSettings()
			st.Timezone, st.RolloverHour = zone, 4
			s, uid, clock := interviewFixture(t, 1, 1, st, time.Date(2026, 11, 1, 12, 0, 0, 0, loc))
			grade(t, s, uid, 1, 5)
			grade(t, s, uid, 2, 5)
			// SM-2 has both far ahead: due long after the interview.
			if _, err := s.writer.ExecContext(ctx, "UPDATE card_state SET due = ?, interval = 100, repetitions = 4", int(d)+60); err != nil {
				t.Fatal(err)
			}
			syncCardEffects(t, s)
			setInterview(t, s, uid, d, 3, true, "data-quality")
			boundary := srs.DayStart(from, loc, 4) // 04:00 local on Dec 17
			*clock = boundary.Add(-time.Second)
			if _, err := s.NextCard(ctx, uid, ReviewFilter{}, 0); !errors.Is(err, ErrQueueEmpty) {
				t.Fatalf("one second before D-K (%v): %v, want nothing to review", *clock, err)
			}
			*clock = boundary
			qc, err := s.NextCard(ctx, uid, ReviewFilter{}, 0)
			if err != nil || qc.Card.ID != 1 || !qc.FinalPass || qc.Queue.FinalPass != 1 || qc.Queue.Today != from {
				t.Fatalf("at 04:00 local on D-K: %+v %v, want card 1 in the final pass", qc, err)
			}
			// The out-of-scope card 2 is not in the final pass.
			if q, _ := s.Queue(ctx, uid, ReviewFilter{}); q.Remaining != 1 {
				t.Fatalf("queue on D-K %+v, want the one in-scope card", q)
			}
			// Graded, it is a practice grade: SM-2's state stays as it was,
			// the day's counts too, and the card has had its pass.
			before, _ := s.GetCard(ctx, uid, 1)
			r, err := s.GradeCard(ctx, uid, Grade{CardID: 1, Grade: 2, Step: qc.Step})
			if err != nil || r.Counted {
				t.Fatalf("the final pass's grade: %+v %v", r, err)
			}
			after, _ := s.GetCard(ctx, uid, 1)
			if after.Sched != before.Sched || after.Lapses != before.Lapses || after.MemoryDay != from {
				t.Fatalf("SM-2 state moved by the final pass: %+v, was %+v", after.Sched, before.Sched)
			}
			var kind string
			var done int
			s.reader.QueryRowContext(ctx, "SELECT kind FROM reviews ORDER BY id DESC LIMIT 1").Scan(&kind)
			s.reader.QueryRowContext(ctx, "SELECT COALESCE(SUM(new_done + reviews_done), 0) FROM day_counts WHERE study_day = ?", int(from)).Scan(&done)
			if kind != KindPractice || done != 0 {
				t.Fatalf("logged as %q with %d counted today, want a practice grade counting nothing", kind, done)
			}
			if _, err := s.NextCard(ctx, uid, ReviewFilter{}, 0); !errors.Is(err, ErrQueueEmpty) {
				t.Fatalf("after its pass: %v, want nothing left", err)
			}
			*clock = boundary.Add(24 * time.Hour)
			if q, _ := s.Queue(ctx, uid, ReviewFilter{}); q.FinalPass != 0 {
				t.Fatalf("the next day the card is in the final pass again: %+v", q)
			}
			// Undo restores the card to the final pass.
			*clock = boundary
			if _, err := s.Undo(ctx, uid); err != nil {
				t.Fatal(err)
			}
			if q, _ := s.Queue(ctx, uid, ReviewFilter{}); q.FinalPass != 1 {
				t.Fatalf("after undo: %+v, want the card back in the final pass", q)
			}
			// The same instant in the other zone's terms is another study
			// day: the boundary is the user's, not UTC's.
			if other := srs.StudyDay(boundary.Add(-time.Second), loc, 4); other != from-1 {
				t.Fatalf("study day a second before: %v", other)
			}
		})
	}
}

// BenchmarkReadiness computes the interview forecast of a user with 10,000
// cards and 100,000 reviews, an interview four weeks ahead, and shows the
// next card of the interview's queue.
func BenchmarkReadiness(b *testing.B) {
	ctx := context.Background()
	s := openExportStore(b)
	uid := heavyExportUser(b, s, 10_000, 100_000)
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	today := srs.DayOf(now)
	// Due days over the next month, memory states as grades leave them.
	if _, err := s.writer.ExecContext(ctx, `UPDATE card_state SET repetitions = 3, interval = 1 + (card_id * 7) % 40,
		due = ? + (card_id % 30) - 5, last_day = ? - (card_id % 20) - 1,
		stability = 1 + (card_id * 13) % 60 + 0.25, difficulty = 1 + (card_id % 9) + 0.5, memory_day = ? - (card_id % 20) - 1
		WHERE user_id = ? AND card_id % 10 <> 0`, int(today), int(today), int(today), uid); err != nil {
		b.Fatal(err)
	}
	syncCardEffects(b, s)
	setInterview(b, s, uid, today.AddDays(28), 3, true, "memorizing-definitions", "data-quality", "accuracy-only", "no-trade-offs")
	b.Run("Readiness", func(b *testing.B) {
		for b.Loop() {
			r, err := s.Readiness(ctx, uid)
			if err != nil || len(r.Plan) != 28 {
				b.Fatal(len(r.Plan), err)
			}
		}
	})
	b.Run("NextCard", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.NextCard(ctx, uid, ReviewFilter{}, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("NextCard/final-pass", func(b *testing.B) {
		now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		for b.Loop() {
			if _, err := s.NextCard(ctx, uid, ReviewFilter{}, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestFinalPassPastTheReviewLimit: in the final pass, a due card of the
// scope is an ordinary review while the day's review limit has room, and
// the final pass's (a practice grade) once it is reached.
func TestFinalPassPastTheReviewLimit(t *testing.T) {
	ctx := context.Background()
	st := DefaultSettings()
	st.ReviewsPerDay = 1
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	s, uid, clock := interviewFixture(t, 2, 0, st, start)
	grade(t, s, uid, 1, 5)
	grade(t, s, uid, 2, 5) // both due Dec 2
	setInterview(t, s, uid, srs.DateOf(2026, 12, 5), 3, true)
	*clock = start.AddDate(0, 0, 1) // Dec 2 = D-3, the final pass's first day
	first, err := s.NextCard(ctx, uid, ReviewFilter{}, 0)
	if err != nil || first.FinalPass || first.Card.ID != 1 {
		t.Fatalf("first card: %+v %v, want card 1 as an ordinary review", first, err)
	}
	if r := grade(t, s, uid, 1, 5); !r.Counted {
		t.Fatalf("the review within the limit was not counted: %+v", r)
	}
	second, err := s.NextCard(ctx, uid, ReviewFilter{}, 0)
	if err != nil || !second.FinalPass || second.Card.ID != 2 {
		t.Fatalf("second card: %+v %v, want card 2 in the final pass", second, err)
	}
	before, _ := s.GetCard(ctx, uid, 2)
	if r := grade(t, s, uid, 2, 4); r.Counted {
		t.Fatalf("past the limit, the final pass's grade was counted: %+v", r)
	}
	if after, _ := s.GetCard(ctx, uid, 2); after.Sched != before.Sched {
		t.Fatalf("the final pass moved SM-2's state: %+v, was %+v", after.Sched, before.Sched)
	}
	if _, err := s.NextCard(ctx, uid, ReviewFilter{}, 0); !errors.Is(err, ErrQueueEmpty) {
		t.Fatalf("after both: %v, want the day done", err)
	}
}
