package srs_test

import (
	"fmt"
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
	cat := func(slug string, cards int, mastery float64, recall float64, hasRecall bool, lapses int) srs.CategoryStats {
		return srs.CategoryStats{Slug: slug, Cards: cards, Mastery: mastery, Recall: recall, HasRecall: hasRecall, Lapses: lapses}
	}
	tests := []struct {
		name   string
		stats  []srs.CategoryStats
		want   string
		wantOK bool
	}{
		{"none", nil, "", false},
		{"only empty categories", []srs.CategoryStats{cat("go", 0, 0, 0, false, 0)}, "", false},
		{"lowest mastery", []srs.CategoryStats{cat("go", 10, 80, 50, true, 9), cat("sql", 10, 40, 99, true, 0), cat("css", 10, 60, 10, true, 5)}, "sql", true},
		{"empty category is skipped though its mastery is 0", []srs.CategoryStats{cat("empty", 0, 0, 0, false, 0), cat("go", 3, 90, 90, true, 0)}, "go", true},
		{"tie on mastery: lower recall", []srs.CategoryStats{cat("go", 5, 50, 80, true, 0), cat("sql", 5, 50, 70, true, 0)}, "sql", true},
		{"no recall counts as 0", []srs.CategoryStats{cat("go", 5, 50, 10, true, 0), cat("sql", 5, 50, 0, false, 0)}, "sql", true},
		{"tie on recall: more lapses", []srs.CategoryStats{cat("go", 5, 50, 80, true, 1), cat("sql", 5, 50, 80, true, 3)}, "sql", true},
		{"full tie: slug ascending", []srs.CategoryStats{cat("sql", 5, 50, 80, true, 3), cat("go", 5, 50, 80, true, 3), cat("html", 5, 50, 80, true, 3)}, "go", true},
		{"none and zero recall tie", []srs.CategoryStats{cat("sql", 5, 50, 0, true, 0), cat("go", 5, 50, 0, false, 0)}, "go", true},
		{"exact ties from equal fractions", []srs.CategoryStats{
			cat("sql", 4, srs.MasteryFromSum(42, 4), 0, false, 0),
			cat("go", 2, srs.MasteryFromSum(21, 2), 0, false, 0),
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
		{Slug: "c", Cards: 1, Mastery: 70},
		{Slug: "b", Cards: 1, Mastery: 20, Recall: 50, HasRecall: true},
		{Slug: "a", Cards: 1, Mastery: 20, Recall: 50, HasRecall: true, Lapses: 2},
		{Slug: "d", Cards: 1, Mastery: 20},
	}
	slices.SortFunc(stats, srs.CompareWeakness)
	var got []string
	for _, s := range stats {
		got = append(got, s.Slug)
	}
	if want := []string{"d", "a", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("weakest first = %v, want %v", got, want)
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
		stats[i] = srs.CategoryStats{Slug: fmt.Sprintf("category-%d", i), Cards: 100 + i, Mastery: float64(50 + i%3), Recall: 80, HasRecall: i%2 == 0, Lapses: i % 4}
	}
	for b.Loop() {
		sinkSlug, _ = srs.Weakest(stats)
	}
}
