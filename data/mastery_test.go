package data

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// masteryFixture: cards 1-3 in accuracy-only, 4-5 in data-quality, and a
// known history over eight study days (UTC, rollover 04:00).
func masteryFixture(t *testing.T) (*Store, int64, *time.Time) {
	t.Helper()
	ctx := context.Background()
	st := DefaultSettings()
	day0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s, uid, clock := reviewFixture(t, 5, st, day0)
	for _, id := range []int64{4, 5} {
		if err := s.UpdateCard(ctx, uid, id, CardInput{Front: fmt.Sprint("dq ", id), Back: "b", Category: "data-quality"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []int64{1, 2, 3} {
		if err := s.UpdateCard(ctx, uid, id, CardInput{Front: fmt.Sprint("acc ", id), Back: "b", Category: "accuracy-only"}); err != nil {
			t.Fatal(err)
		}
	}
	// Day 0: card 1 passes, card 2 fails (re-drilled to 4), card 4 passes.
	grade(t, s, uid, 1, 5)
	grade(t, s, uid, 2, 2)
	grade(t, s, uid, 2, 4)
	grade(t, s, uid, 4, 4)
	// Day 1: card 1 -> I=6, card 2 -> I=1 (n=1), card 4 -> I=6.
	*clock = day0.AddDate(0, 0, 1)
	grade(t, s, uid, 1, 5)
	grade(t, s, uid, 2, 3)
	grade(t, s, uid, 2, 4)
	grade(t, s, uid, 4, 5)
	// Day 7: card 1 lapses (n=2 -> 0, I=1).
	*clock = day0.AddDate(0, 0, 7)
	grade(t, s, uid, 1, 1)
	return s, uid, clock
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestMasteryByHand(t *testing.T) {
	ctx := context.Background()
	s, uid, _ := masteryFixture(t)
	rep, err := s.Mastery(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	byslug := map[string]CategoryMastery{}
	for _, c := range rep.Categories {
		byslug[c.Slug] = c
	}
	acc, dq := byslug["accuracy-only"], byslug["data-quality"]
	// accuracy-only: card 1 I=1 (lapsed), card 2 I=1, card 3 new:
	// mastery (1+1+0)/(3*21); recall: counted 5,2,5,3,1 -> 3 of 5 passed.
	if acc.Cards != 3 || acc.New != 1 || acc.Learning != 2 || acc.Young != 0 || acc.Mature != 0 {
		t.Errorf("accuracy-only stages: %+v", acc)
	}
	if !near(acc.Mastery, 100*2.0/63) || !acc.HasRecall || !near(acc.Recall30, 60) || acc.Lapses != 1 {
		t.Errorf("accuracy-only: mastery %.4f recall %.1f lapses %d; want %.4f 60 1", acc.Mastery, acc.Recall30, acc.Lapses, 100*2.0/63)
	}
	// ease: card 1 250->260->270->(grade 1: -54) 216; card 2 250->218->(3: -14) 204.
	if !near(acc.AvgEase, (2.16+2.04)/2) || acc.LastReviewed != srs.DateOf(2026, 5, 8) {
		t.Errorf("accuracy-only ease %.3f last %v", acc.AvgEase, acc.LastReviewed)
	}
	// data-quality: card 4 I=6 (n=2), card 5 new: mastery 6/42; recall 2/2.
	if dq.Cards != 2 || dq.New != 1 || dq.Young != 1 || !near(dq.Mastery, 100*6.0/42) || !near(dq.Recall30, 100) || dq.Lapses != 0 {
		t.Errorf("data-quality: %+v", dq)
	}
	if rep.Weakest != "accuracy-only" || rep.Categories[0].Slug != "accuracy-only" || rep.Categories[1].Slug != "data-quality" {
		t.Errorf("weakest %q, order %s, %s", rep.Weakest, rep.Categories[0].Slug, rep.Categories[1].Slug)
	}
	if last := rep.Categories[len(rep.Categories)-1]; last.Cards != 0 || last.HasRecall {
		t.Errorf("empty categories should sort last: %+v", last)
	}

	// A suspended card counts nowhere.
	if err := s.SetSuspended(ctx, uid, 3, true); err != nil {
		t.Fatal(err)
	}
	rep, _ = s.Mastery(ctx, uid)
	if c := rep.Categories[0]; c.Slug != "accuracy-only" || c.Cards != 2 || !near(c.Mastery, 100*2.0/42) {
		t.Errorf("after suspending card 3: %+v", c)
	}
}

func TestWeakestIsNullBeforeAnyGrade(t *testing.T) {
	s, uid, _ := reviewFixture(t, 3, DefaultSettings(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	rep, err := s.Mastery(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Weakest != "" || rep.Graded != 0 {
		t.Fatalf("weakest %q for a user who graded nothing", rep.Weakest)
	}
}

func TestMasteryTrendReplaysTheLog(t *testing.T) {
	ctx := context.Background()
	s, uid, _ := masteryFixture(t)
	rep, _ := s.Mastery(ctx, uid)
	trends, err := s.MasteryTrend(ctx, uid, rep)
	if err != nil {
		t.Fatal(err)
	}
	var acc CategoryTrend
	for _, tr := range trends {
		if tr.Slug == "accuracy-only" {
			acc = tr
		}
	}
	if len(acc.Mastery) != TrendDays {
		t.Fatalf("trend has %d points", len(acc.Mastery))
	}
	last := TrendDays - 1 // today = day 7
	want := map[int]float64{
		last:     100 * 2.0 / 63, // after the lapse
		last - 1: 100 * 7.0 / 63, // days 1-6: card 1 I=6, card 2 I=1
		last - 6: 100 * 7.0 / 63,
		last - 7: 100 * 2.0 / 63, // day 0: both I=1
		last - 8: 0,              // before any grade
		0:        0,
	}
	for i, w := range want {
		if !near(acc.Mastery[i], w) {
			t.Errorf("trend point %d (day %v) = %.3f, want %.3f", i, rep.Today.AddDays(i-last), acc.Mastery[i], w)
		}
	}
}

func TestStatsHeatmapStreakForecast(t *testing.T) {
	ctx := context.Background()
	s, uid, clock := masteryFixture(t) // reviews on days 0, 1 and 7; today is day 7
	day0 := srs.DateOf(2026, 5, 1)
	st, err := s.Stats(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Heatmap) != HeatmapDays || st.Heatmap[HeatmapDays-1].Day != day0.AddDays(7) {
		t.Fatalf("heatmap: %d cells ending %v", len(st.Heatmap), st.Heatmap[len(st.Heatmap)-1].Day)
	}
	cell := func(d int) int { return st.Heatmap[HeatmapDays-1-(7-d)].Count }
	if cell(0) != 4 || cell(1) != 4 || cell(7) != 1 || cell(3) != 0 || st.Reviews != 9 {
		t.Errorf("heatmap cells day0=%d day1=%d day7=%d day3=%d total=%d", cell(0), cell(1), cell(7), cell(3), st.Reviews)
	}
	if st.Grades != [6]int{0, 1, 1, 1, 1, 3} {
		t.Errorf("grade distribution %v (counted only)", st.Grades)
	}
	if st.Streak != 1 {
		t.Errorf("streak %d, want 1 (day 7 only)", st.Streak)
	}
	// Forecast from day 7: card 1 due day 8, card 2 due day 2 (overdue: today), card 4 due day 7.
	if st.Forecast[0].Count != 2 || st.Forecast[1].Count != 1 || len(st.Forecast) != ForecastDays {
		t.Errorf("forecast %v", st.Forecast[:3])
	}

	// Across the rollover: at 03:00 on day 8 it is still day 7; after 04:00,
	// day 7 is yesterday and the streak holds until day 8 ends.
	*clock = time.Date(2026, 5, 9, 3, 0, 0, 0, time.UTC)
	if n, _ := s.Streak(ctx, uid); n != 1 {
		t.Errorf("03:00 next morning: streak %d", n)
	}
	*clock = time.Date(2026, 5, 9, 5, 0, 0, 0, time.UTC)
	if n, _ := s.Streak(ctx, uid); n != 1 {
		t.Errorf("day 8 with no review yet: streak %d, want 1", n)
	}
	grade(t, s, uid, 1, 5)
	if n, _ := s.Streak(ctx, uid); n != 2 {
		t.Errorf("day 8 after a review: streak %d, want 2", n)
	}
	*clock = time.Date(2026, 5, 11, 5, 0, 0, 0, time.UTC)
	if n, _ := s.Streak(ctx, uid); n != 0 {
		t.Errorf("after a day off: streak %d, want 0", n)
	}
}
