package srs_test

import (
	"slices"
	"testing"

	"github.com/flashcards/flashcards/srs"
)

func TestCeilDiv(t *testing.T) {
	for _, tt := range []struct{ a, b, want int }{
		{0, 5, 0}, {1, 5, 1}, {5, 5, 1}, {6, 5, 2}, {10, 3, 4}, {9, 3, 3}, {7, 1, 7}, {3, 0, 0}, {3, -2, 0}, {-4, 2, 0},
	} {
		if got := srs.CeilDiv(tt.a, tt.b); got != tt.want {
			t.Errorf("CeilDiv(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestFinalPassFromClampsK(t *testing.T) {
	d := srs.DateOf(2026, 12, 20)
	for _, tt := range []struct {
		k    int
		want srs.Day
	}{
		{3, d.AddDays(-3)}, {1, d.AddDays(-1)}, {14, d.AddDays(-14)},
		{0, d.AddDays(-1)}, {-5, d.AddDays(-1)}, {15, d.AddDays(-14)}, {100, d.AddDays(-14)},
	} {
		iv := srs.Interview{Day: d, FinalDays: tt.k}
		if got := iv.FinalPassFrom(); got != tt.want {
			t.Errorf("K=%d: final pass from %v, want %v", tt.k, got, tt.want)
		}
	}
}

func TestNewAllowance(t *testing.T) {
	d := srs.DateOf(2026, 12, 20) // D; with K = 3 the final pass starts on the 17th
	iv := srs.Interview{Day: d, FinalDays: 3, NewOnTime: true}
	for _, tt := range []struct {
		name  string
		iv    srs.Interview
		today srs.Day
		cards int
		want  int
	}{
		{"10 cards over 7 days", iv, srs.DateOf(2026, 12, 10), 10, 2},
		{"14 cards over 7 days", iv, srs.DateOf(2026, 12, 10), 14, 2},
		{"15 cards over 7 days", iv, srs.DateOf(2026, 12, 10), 15, 3},
		{"last day before D-K", iv, srs.DateOf(2026, 12, 16), 9, 9},
		{"zero new cards", iv, srs.DateOf(2026, 12, 10), 0, 0},
		{"D-K reached: all are late", iv, srs.DateOf(2026, 12, 17), 9, 9},
		{"D-1: all are late", iv, srs.DateOf(2026, 12, 19), 4, 4},
		{"on D: plain SM-2", iv, d, 9, 0},
		{"D passed", iv, d.AddDays(5), 9, 0},
		{"pacing off", srs.Interview{Day: d, FinalDays: 3}, srs.DateOf(2026, 12, 10), 10, 0},
		{"K clamped to 14", srs.Interview{Day: d, FinalDays: 40, NewOnTime: true}, srs.DateOf(2026, 12, 6), 10, 10},
		{"K clamped to 1", srs.Interview{Day: d, FinalDays: 0, NewOnTime: true}, srs.DateOf(2026, 12, 10), 9, 1},
	} {
		if got := srs.NewAllowance(tt.iv, tt.today, tt.cards); got != tt.want {
			t.Errorf("%s: NewAllowance = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestInScopeNewLeft(t *testing.T) {
	for _, tt := range []struct{ perDay, done, allowance, inScopeDone, want int }{
		{20, 0, 5, 0, 20},  // the day's limit is more than the allowance
		{5, 0, 12, 0, 12},  // the allowance raises it
		{5, 5, 12, 5, 7},   // five done, seven more to keep pace
		{5, 8, 12, 3, 9},   // out-of-scope cards do not eat the allowance
		{5, 20, 12, 12, 0}, // done
		{0, 0, 0, 0, 0},    // nothing allowed
		{10, 15, 0, 0, 0},  // over the limit never goes negative
		{10, 3, 30, 40, 7}, // more than the allowance done: the day's slots
		{0, 0, 2, 0, 2},    // a limit of 0 still keeps the interview's pace
		{20, 19, 0, 19, 1}, // pacing off: the ordinary limit
		{3, 2, 3, 2, 1},    // both say one
		{1, 0, 1000, 0, 1000},
	} {
		if got := srs.InScopeNewLeft(tt.perDay, tt.done, tt.allowance, tt.inScopeDone); got != tt.want {
			t.Errorf("InScopeNewLeft(%d, %d, %d, %d) = %d, want %d", tt.perDay, tt.done, tt.allowance, tt.inScopeDone, got, tt.want)
		}
	}
}

func TestInFinalPassSet(t *testing.T) {
	d := srs.DateOf(2026, 12, 20)
	iv := srs.Interview{Day: d, FinalDays: 3}
	from := srs.DateOf(2026, 12, 17)
	old := srs.DateOf(2026, 11, 1)
	for _, tt := range []struct {
		name                      string
		today                     srs.Day
		inScope, graded, reviewed bool
		last                      srs.Day
		want                      bool
	}{
		{"the day before D-K", from - 1, true, true, true, old, false},
		{"D-K", from, true, true, true, old, true},
		{"D-1", d - 1, true, true, true, old, true},
		{"D", d, true, true, true, old, false},
		{"out of scope", from, false, true, true, old, false},
		{"reviewed on D-K already", from + 1, true, true, true, from, false},
		{"reviewed the day before D-K", from + 1, true, true, true, from - 1, true},
		{"never graded", from, true, false, false, 0, false},
		{"practised, never graded", from, true, false, true, old, false},
	} {
		if got := srs.InFinalPassSet(iv, tt.today, tt.inScope, tt.graded, tt.last, tt.reviewed); got != tt.want {
			t.Errorf("%s: InFinalPassSet = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// planOf sums a plan's columns, for the tests that look at totals.
func planSums(p []srs.PlanDay) (newCards, reviews, final int) {
	for _, d := range p {
		newCards += d.New
		reviews += d.Reviews
		final += d.FinalPass
	}
	return
}

func newCards(n int, inScope bool) []srs.PlanCard {
	cs := make([]srs.PlanCard, n)
	for i := range cs {
		cs[i] = srs.PlanCard{InScope: inScope, Sched: srs.Card{State: srs.New()}}
	}
	return cs
}

// graded is a card reviewed on last, due on due, with a long interval so
// a Good grade sends it past any plan here.
func graded(inScope bool, last, due srs.Day) srs.PlanCard {
	return srs.PlanCard{InScope: inScope, Sched: srs.Card{State: srs.State{Repetitions: 5, Interval: 400, Ease: 250},
		Graded: true, Due: due, LastCounted: last}, LastReview: last, Reviewed: true}
}

func TestPlan(t *testing.T) {
	today := srs.DateOf(2026, 12, 1)
	lim := srs.PlanLimits{NewPerDay: 0, ReviewsPerDay: 1000}
	iv := func(days, k int, onTime bool) srs.Interview {
		return srs.Interview{Day: today.AddDays(days), FinalDays: k, NewOnTime: onTime}
	}
	news := func(p []srs.PlanDay) []int {
		var out []int
		for _, d := range p {
			out = append(out, d.New)
		}
		return out
	}
	finals := func(p []srs.PlanDay) []int {
		var out []int
		for _, d := range p {
			out = append(out, d.FinalPass)
		}
		return out
	}

	t.Run("one entry per day until D", func(t *testing.T) {
		p := srs.Plan(nil, today, iv(5, 3, true), lim)
		if len(p) != 5 || p[0].Day != today || p[4].Day != today.AddDays(4) {
			t.Fatalf("plan days: %+v", p)
		}
	})
	t.Run("D today or passed: no plan", func(t *testing.T) {
		for _, days := range []int{0, -1, -30} {
			if p := srs.Plan(newCards(3, true), today, iv(days, 3, true), lim); p != nil {
				t.Errorf("D %+d days: plan %+v, want none", days, p)
			}
		}
	})
	t.Run("ceil division spreads new cards before D-K", func(t *testing.T) {
		// 10 in-scope cards, D in 8 days, K 3: five days before D-K, two a day.
		p := srs.Plan(newCards(10, true), today, iv(8, 3, true), lim)
		if got, want := news(p), []int{2, 2, 2, 2, 2, 0, 0, 0}; !slices.Equal(got, want) {
			t.Errorf("new per day %v, want %v", got, want)
		}
		// 11 cards: ceil(11/5) = 3, then ceil(8/4) = 2 ...
		p = srs.Plan(newCards(11, true), today, iv(8, 3, true), lim)
		if got, want := news(p), []int{3, 2, 2, 2, 2, 0, 0, 0}; !slices.Equal(got, want) {
			t.Errorf("11 cards: new per day %v, want %v", got, want)
		}
	})
	t.Run("the day's own limit when it is more", func(t *testing.T) {
		l := lim
		l.NewPerDay = 4
		p := srs.Plan(newCards(10, true), today, iv(8, 3, true), l)
		if got, want := news(p), []int{4, 4, 2, 0, 0, 0, 0, 0}; !slices.Equal(got, want) {
			t.Errorf("new per day %v, want %v", got, want)
		}
	})
	t.Run("pacing off keeps the day's limit", func(t *testing.T) {
		l := lim
		l.NewPerDay = 1
		p := srs.Plan(newCards(10, true), today, iv(5, 2, false), l)
		if got, want := news(p), []int{1, 1, 1, 1, 1}; !slices.Equal(got, want) {
			t.Errorf("new per day %v, want %v", got, want)
		}
	})
	t.Run("D-K already passed: every new card today", func(t *testing.T) {
		p := srs.Plan(newCards(7, true), today, iv(2, 5, true), lim)
		if got, want := news(p), []int{7, 0}; !slices.Equal(got, want) {
			t.Errorf("new per day %v, want %v", got, want)
		}
	})
	t.Run("zero new cards", func(t *testing.T) {
		p := srs.Plan(nil, today, iv(6, 3, true), lim)
		if n, r, f := planSums(p); n != 0 || r != 0 || f != 0 {
			t.Errorf("empty deck planned %d new, %d reviews, %d final", n, r, f)
		}
	})
	t.Run("scope filtering: out-of-scope new cards keep the day's limit", func(t *testing.T) {
		l := lim
		l.NewPerDay = 1
		cards := append(newCards(4, true), newCards(4, false)...)
		// Four days before D-K: one in-scope card a day fills the limit.
		p := srs.Plan(cards, today, iv(7, 3, true), l)
		if got, want := news(p), []int{1, 1, 1, 1, 1, 1, 1}; !slices.Equal(got, want) {
			t.Errorf("new per day %v, want %v", got, want)
		}
		// Only in-scope cards were introduced before D-K.
		l.NewPerDay = 0
		p = srs.Plan(cards, today, iv(7, 3, true), l)
		if n, _, _ := planSums(p); n != 4 {
			t.Errorf("with no new-card limit, %d new cards planned, want the 4 in scope", n)
		}
	})
	t.Run("today's grades so far count", func(t *testing.T) {
		l := lim
		l.InScopeNewToday, l.NewDoneToday = 2, 2
		// 8 left now, 10 at the start of the day: 2 a day, today's 2 done.
		p := srs.Plan(newCards(8, true), today, iv(8, 3, true), l)
		if got, want := news(p), []int{0, 2, 2, 2, 2, 0, 0, 0}; !slices.Equal(got, want) {
			t.Errorf("new per day %v, want %v", got, want)
		}
	})
	t.Run("natural due dates and the review limit", func(t *testing.T) {
		l := lim
		l.ReviewsPerDay = 2
		old := today.AddDays(-100)
		cards := []srs.PlanCard{
			graded(false, old, today.AddDays(-3)), // overdue: today
			graded(false, old, today),
			graded(true, old, today),              // in scope: first
			graded(false, old, today.AddDays(1)),  // tomorrow, behind the overflow
			graded(false, old, today.AddDays(20)), // after D
		}
		p := srs.Plan(cards, today, srs.Interview{Day: today.AddDays(10), FinalDays: 1}, l)
		got := []int{p[0].Reviews, p[1].Reviews, p[2].Reviews}
		if want := []int{2, 2, 0}; !slices.Equal(got, want) {
			t.Errorf("reviews on the first days %v, want %v", got, want)
		}
	})
	t.Run("a young card comes back after a Good grade", func(t *testing.T) {
		c := srs.PlanCard{Sched: srs.Card{State: srs.New()}}
		l := lim
		l.NewPerDay = 1
		// New today, then 1 day, then 6 days: reviews on days 1 and 7.
		p := srs.Plan([]srs.PlanCard{c}, today, iv(10, 1, false), l)
		var days []int
		for i, d := range p {
			if d.Reviews > 0 {
				days = append(days, i)
			}
		}
		if want := []int{1, 7}; !slices.Equal(days, want) {
			t.Errorf("reviews on plan days %v, want %v", days, want)
		}
	})
	t.Run("final pass: old in-scope cards spread over D-K..D-1", func(t *testing.T) {
		old := today.AddDays(-50)
		var cards []srs.PlanCard
		for range 7 {
			cards = append(cards, graded(true, old, today.AddDays(300)))
		}
		cards = append(cards, graded(false, old, today.AddDays(300)))            // out of scope
		cards = append(cards, graded(true, today.AddDays(-1), today.AddDays(2))) // reviewed by SM-2 on day 2
		p := srs.Plan(cards, today, iv(6, 3, true), lim)
		// D-K is day 3: the card reviewed on day 2 is before D-K as well,
		// so 8 cards: ceil(8/3) = 3, ceil(5/2) = 3, 2.
		if got, want := finals(p), []int{0, 0, 0, 3, 3, 2}; !slices.Equal(got, want) {
			t.Errorf("final pass per day %v, want %v", got, want)
		}
	})
	t.Run("final pass: a card SM-2 reviews on D-K or after has had its pass", func(t *testing.T) {
		old := today.AddDays(-50)
		cards := []srs.PlanCard{
			graded(true, old, today.AddDays(300)),
			graded(true, old, today.AddDays(4)), // due on day 4, in the final pass
		}
		p := srs.Plan(cards, today, iv(6, 3, true), lim)
		_, r, f := planSums(p)
		if f != 1 || r != 2 {
			t.Errorf("final %d reviews %d (%v), want 1 final pass card and 2 reviews", f, r, p)
		}
	})
	t.Run("final pass already under way", func(t *testing.T) {
		old := today.AddDays(-50)
		cards := []srs.PlanCard{
			graded(true, old, today.AddDays(300)),
			graded(true, today, today.AddDays(300)), // reviewed today, after D-K: done
		}
		p := srs.Plan(cards, today, iv(2, 5, true), lim)
		if got, want := finals(p), []int{1, 0}; !slices.Equal(got, want) {
			t.Errorf("final pass per day %v, want %v", got, want)
		}
	})
	t.Run("a year away is cut at MaxPlanDays", func(t *testing.T) {
		p := srs.Plan(nil, today, iv(1000, 3, true), lim)
		if len(p) != srs.MaxPlanDays {
			t.Errorf("%d days planned, want %d", len(p), srs.MaxPlanDays)
		}
	})
}

func TestRecallAt(t *testing.T) {
	last := srs.DateOf(2026, 12, 1)
	if got := srs.RecallAt(last.AddDays(10), last, 10); got < 0.8999 || got > 0.9001 {
		t.Errorf("recall after S days = %v, want 0.9", got)
	}
	if got := srs.RecallAt(last.AddDays(-2), last, 10); got != 1 {
		t.Errorf("recall before the review = %v, want 1", got)
	}
	if a, b := srs.RecallAt(last.AddDays(5), last, 10), srs.RecallAt(last.AddDays(30), last, 10); !(a > b) {
		t.Errorf("recall does not fall with time: %v then %v", a, b)
	}
}
