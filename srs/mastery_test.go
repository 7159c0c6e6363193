package srs_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/flashcards/flashcards/srs"
)

// reviewed is a graded card with interval days; n follows from it loosely.
func reviewed(interval int) srs.Card {
	return srs.Card{State: srs.State{Repetitions: 3, Interval: interval, Ease: 250}, Graded: true}
}

var never = srs.Card{State: srs.New()}

func TestMastery(t *testing.T) {
	tests := []struct {
		name  string
		cards []srs.Card
		want  float64
	}{
		{"no cards", nil, 0},
		{"only new cards", []srs.Card{never, never}, 0},
		{"one mature, one new", []srs.Card{reviewed(21), never}, 50},
		{"long intervals are capped", []srs.Card{reviewed(400), reviewed(21)}, 100},
		{"partial credit", []srs.Card{reviewed(7), reviewed(14)}, 50},
		{"a third", []srs.Card{reviewed(7)}, 700.0 / 21},
		{"mixed", []srs.Card{reviewed(1), reviewed(6), reviewed(16), reviewed(30), never}, float64(1+6+16+21) * 100 / (5 * 21)},
		{"odd rows count 0", []srs.Card{reviewed(-4), reviewed(0), {Graded: false, State: srs.State{Interval: 50}}}, 0},
	}
	for _, tt := range tests {
		if got := srs.Mastery(tt.cards); got != tt.want {
			t.Errorf("%s: Mastery = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A store summing MasteryCredit in SQL must get bit-for-bit what Mastery
// gives, and equal fractions must tie exactly.
func TestMasteryFromSum(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 21))
	for range 1000 {
		cards := make([]srs.Card, r.IntN(200))
		credit := 0
		for i := range cards {
			if r.IntN(4) > 0 {
				cards[i] = reviewed(r.IntN(60))
			} else {
				cards[i] = never
			}
			credit += min(cards[i].State.Interval, 21) * boolInt(cards[i].Graded)
		}
		if got, want := srs.MasteryFromSum(credit, len(cards)), srs.Mastery(cards); got != want {
			t.Fatalf("MasteryFromSum(%d, %d) = %v, Mastery = %v", credit, len(cards), got, want)
		}
	}
	tests := []struct {
		credit, cards int
		want          float64
	}{
		{21, 2, 50},
		{42, 4, 50},
		{7, 3, srs.MasteryFromSum(14, 6)},
		{1, 3, srs.MasteryFromSum(1000, 3000)},
		{0, 0, 0},
		{5, 0, 0},
		{-5, 3, 0},
		{100, 1, 100},
	}
	for _, tt := range tests {
		if got := srs.MasteryFromSum(tt.credit, tt.cards); got != tt.want {
			t.Errorf("MasteryFromSum(%d, %d) = %v, want %v", tt.credit, tt.cards, got, tt.want)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestRecallRate(t *testing.T) {
	tests := []struct {
		counted, passed int
		want            float64
		ok              bool
	}{
		{0, 0, 0, false},
		{-1, 0, 0, false},
		{10, 9, 90, true},
		{3, 1, 100.0 / 3, true},
		{4, 0, 0, true},
		{4, 4, 100, true},
		{4, 7, 100, true},
		{4, -1, 0, true},
	}
	for _, tt := range tests {
		got, ok := srs.RecallRate(tt.counted, tt.passed)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RecallRate(%d, %d) = %v, %v; want %v, %v", tt.counted, tt.passed, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRecallSince(t *testing.T) {
	today := srs.DateOf(2024, 3, 10)
	since := srs.RecallSince(today)
	if since.String() != "2024-02-10" || today.Sub(since)+1 != srs.RecallWindow {
		t.Errorf("RecallSince(%v) = %v, want 2024-02-10 (30 days including today)", today, since)
	}
}

func TestIsLapse(t *testing.T) {
	learning := srs.State{Repetitions: 0, Interval: 1, Ease: 250}
	learned := srs.State{Repetitions: 1, Interval: 1, Ease: 250}
	mature := srs.State{Repetitions: 6, Interval: 90, Ease: 250}
	tests := []struct {
		before srs.State
		g      srs.Grade
		want   bool
	}{
		{srs.New(), 0, false},
		{learning, 2, false},
		{learned, 2, true},
		{learned, 3, false},
		{mature, 0, true},
		{mature, 1, true},
		{mature, 5, false},
		{mature, -1, false},
		{mature, 6, false},
		{srs.State{Repetitions: -2}, 0, false},
	}
	for _, tt := range tests {
		if got := srs.IsLapse(tt.before, tt.g); got != tt.want {
			t.Errorf("IsLapse(%+v, %d) = %v, want %v", tt.before, tt.g, got, tt.want)
		}
	}
}

func TestStage(t *testing.T) {
	tests := []struct {
		card srs.Card
		want srs.Stage
	}{
		{never, srs.StageNew},
		{srs.Card{State: srs.State{Repetitions: 0, Interval: 1, Ease: 170}, Graded: true}, srs.StageLearning},
		{srs.Card{State: srs.State{Repetitions: 1, Interval: 1, Ease: 260}, Graded: true}, srs.StageLearning},
		{srs.Card{State: srs.State{Repetitions: 2, Interval: 6, Ease: 260}, Graded: true}, srs.StageYoung},
		{srs.Card{State: srs.State{Repetitions: 4, Interval: 20, Ease: 130}, Graded: true}, srs.StageYoung},
		{srs.Card{State: srs.State{Repetitions: 4, Interval: 21, Ease: 130}, Graded: true}, srs.StageMature},
		{srs.Card{State: srs.State{Repetitions: 9, Interval: 900, Ease: 300}, Graded: true}, srs.StageMature},
	}
	for _, tt := range tests {
		if got := tt.card.Stage(); got != tt.want {
			t.Errorf("Stage of %+v = %v, want %v", tt.card, got, tt.want)
		}
	}
	names := []string{srs.StageNew.String(), srs.StageLearning.String(), srs.StageYoung.String(), srs.StageMature.String(), srs.Stage(9).String()}
	if want := []string{"new", "learning", "young", "mature", "Stage(9)"}; !slices.Equal(names, want) {
		t.Errorf("stage names = %q, want %q", names, want)
	}
}

func TestWeakest(t *testing.T) {
	started := func(slug string, cards int, mastery, recallNow float64) srs.CategoryStats {
		return srs.CategoryStats{Slug: slug, Cards: cards, Mastery: mastery, Started: true, RecallNow: recallNow}
	}
	unstarted := func(slug string, cards int, mastery float64) srs.CategoryStats {
		return srs.CategoryStats{Slug: slug, Cards: cards, Mastery: mastery}
	}
	tests := []struct {
		name   string
		stats  []srs.CategoryStats
		want   string
		wantOK bool
	}{
		{"none", nil, "", false},
		{"only empty categories", []srs.CategoryStats{unstarted("go", 0, 0)}, "", false},
		{"nothing started", []srs.CategoryStats{unstarted("go", 10, 0), unstarted("sql", 3, 0)}, "", false},
		{"lowest recall today", []srs.CategoryStats{started("go", 10, 10, 95), started("sql", 10, 90, 40), started("css", 10, 50, 70)}, "sql", true},
		{"never shown is never weakest, though its mastery is 0", []srs.CategoryStats{unstarted("never-shown", 50, 0), started("go", 3, 90, 97)}, "go", true},
		{"started with failed cards beats never shown", []srs.CategoryStats{
			unstarted("aaa-never-shown", 20, 0), started("failed", 2, 2.38, 0.5), started("known", 5, 80, 93)}, "failed", true},
		// Anki cards imported with a schedule but no log: mastery without recall.
		{"not started with mastery", []srs.CategoryStats{unstarted("imported", 5, 60), started("go", 5, 70, 99)}, "go", true},
		{"tie on recall: lower mastery", []srs.CategoryStats{started("go", 5, 50, 80), started("sql", 5, 40, 80)}, "sql", true},
		{"full tie: slug ascending", []srs.CategoryStats{started("sql", 5, 50, 80), started("go", 5, 50, 80), started("html", 5, 50, 80)}, "go", true},
		{"recall before mastery", []srs.CategoryStats{started("go", 5, 0, 81), started("sql", 5, 100, 80)}, "sql", true},
		{"exact ties from equal fractions", []srs.CategoryStats{
			started("sql", 4, srs.MasteryFromSum(42, 4), 90),
			started("go", 2, srs.MasteryFromSum(21, 2), 90),
		}, "go", true},
	}
	for _, tt := range tests {
		got, ok := srs.Weakest(tt.stats)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%s: Weakest = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestCompareWeaknessSorts(t *testing.T) {
	stats := []srs.CategoryStats{
		{Slug: "empty"},
		{Slug: "c", Cards: 1, Mastery: 70, Started: true, RecallNow: 90},
		{Slug: "new-b", Cards: 4, Mastery: 0},
		{Slug: "b", Cards: 1, Mastery: 20, Started: true, RecallNow: 50},
		{Slug: "new-a", Cards: 9, Mastery: 0},
		{Slug: "a", Cards: 1, Mastery: 10, Started: true, RecallNow: 50},
		{Slug: "d", Cards: 1, Mastery: 90, Started: true, RecallNow: 30},
	}
	slices.SortFunc(stats, srs.CompareWeakness)
	var got []string
	for _, s := range stats {
		got = append(got, s.Slug)
	}
	if want := []string{"d", "a", "b", "c", "new-a", "new-b", "empty"}; !slices.Equal(got, want) {
		t.Errorf("weakest first = %v, want %v", got, want)
	}
}

func TestRecallTally(t *testing.T) {
	var none srs.RecallTally
	if pct, ok := none.Mean(); ok || pct != 0 || none.AtRisk != 0 {
		t.Errorf("empty tally: %v, %v, at risk %d; want 0, false, 0", pct, ok, none.AtRisk)
	}
	var tl srs.RecallTally
	// 0.8 is not at risk; just below it is.
	for _, r := range []float64{1, 0.8, 0.79999999, 0.2, 0} {
		tl.Add(r)
	}
	pct, ok := tl.Mean()
	if !ok || math.Abs(pct-(1+0.8+0.79999999+0.2)*100/5) > 1e-9 || tl.Reviewed != 5 || tl.AtRisk != 3 {
		t.Errorf("tally: %v, %v, reviewed %d, at risk %d; want %v, true, 5, 3", pct, ok, tl.Reviewed, tl.AtRisk, (1+0.8+0.79999999+0.2)*100/5)
	}
	// A card reviewed today is at 100 %; one S days ago at 90 %, not at risk.
	var fresh srs.RecallTally
	fresh.Add(srs.Recall(0, 2.3065))
	fresh.Add(srs.Recall(10, 10))
	if pct, _ := fresh.Mean(); pct != 95 || fresh.AtRisk != 0 {
		t.Errorf("fresh cards: %v %%, at risk %d; want 95, 0", pct, fresh.AtRisk)
	}
}

var (
	sinkFloat float64
	sinkSlug  string
)

func BenchmarkMastery(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	cards := make([]srs.Card, 10_000)
	for i := range cards {
		if r.IntN(5) > 0 {
			cards[i] = reviewed(r.IntN(120))
		} else {
			cards[i] = never
		}
	}
	for b.Loop() {
		sinkFloat = srs.Mastery(cards)
	}
}

func BenchmarkWeakest(b *testing.B) {
	stats := make([]srs.CategoryStats, 8)
	for i := range stats {
		stats[i] = srs.CategoryStats{Slug: fmt.Sprintf("category-%d", i), Cards: 100 + i, Mastery: float64(50 + i%3), Started: i%4 != 0, RecallNow: float64(80 + i%2)}
	}
	for b.Loop() {
		sinkSlug, _ = srs.Weakest(stats)
	}
}
