package data

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// TestMockKeepsToTheInterviewScope: while an interview with a scope is
// ahead (its day included), a mock round draws only the scope's cards;
// with no scope, no date, a passed date, or a scope without cards in
// play, it draws from every card.
func TestMockKeepsToTheInterviewScope(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	// Cards 1-3 in data-quality, 4-6 in accuracy-only.
	s, uid, clock := interviewFixture(t, 3, 3, DefaultSettings(), start)
	draw := func() ([]int64, MockPool) {
		t.Helper()
		ids, err := s.MockDraw(ctx, uid, 20)
		if err != nil {
			t.Fatal(err)
		}
		pool, err := s.MockPool(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(ids)
		return ids, pool
	}
	all := []int64{1, 2, 3, 4, 5, 6}
	if ids, pool := draw(); !slices.Equal(ids, all) || pool.Cards != 6 || pool.Scope != nil {
		t.Errorf("no interview: drew %v, pool %+v; want every card", ids, pool)
	}
	setInterview(t, s, uid, srs.DateOf(2026, 12, 10), 3, true, "accuracy-only")
	if ids, pool := draw(); !slices.Equal(ids, []int64{4, 5, 6}) || pool.Cards != 3 || !slices.Equal(pool.Scope, []string{"Accuracy only"}) {
		t.Errorf("interview ahead: drew %v, pool %+v; want the scope's cards 4-6", ids, pool)
	}
	*clock = start.AddDate(0, 0, 9) // the interview's day
	if ids, _ := draw(); !slices.Equal(ids, []int64{4, 5, 6}) {
		t.Errorf("on the interview's day: drew %v, want the scope's cards 4-6", ids)
	}
	*clock = start.AddDate(0, 0, 10) // the day after
	if ids, pool := draw(); !slices.Equal(ids, all) || pool.Scope != nil {
		t.Errorf("interview passed: drew %v, pool %+v; want every card", ids, pool)
	}
	*clock = start
	setInterview(t, s, uid, srs.DateOf(2026, 12, 10), 3, true)
	if ids, _ := draw(); !slices.Equal(ids, all) {
		t.Errorf("interview without a scope: drew %v, want every card", ids)
	}
	for id := int64(4); id <= 6; id++ {
		if err := s.SetSuspended(ctx, uid, id, true); err != nil {
			t.Fatal(err)
		}
	}
	setInterview(t, s, uid, srs.DateOf(2026, 12, 10), 3, true, "accuracy-only")
	if ids, pool := draw(); !slices.Equal(ids, []int64{1, 2, 3}) || pool.Scope != nil {
		t.Errorf("scope without cards in play: drew %v, pool %+v; want the cards in play, unscoped", ids, pool)
	}
}
