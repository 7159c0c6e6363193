package srs

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestWeakestCard(t *testing.T) {
	today := DateOf(2026, 5, 10)
	seen := func(id int64, stability float64, daysAgo int) PracticeCard {
		return PracticeCard{ID: id, Category: 1, Reviewed: true, Memory: Memory{Stability: stability, Difficulty: 5}, MemoryDay: today.AddDays(-daysAgo)}
	}
	for _, tc := range []struct {
		name  string
		cards []PracticeCard
		want  int64
	}{
		{"lowest recall first", []PracticeCard{seen(1, 10, 1), seen(2, 1, 9), seen(3, 30, 30)}, 2},
		{"a new card ranks as recall 0, before any reviewed one", []PracticeCard{seen(1, 0.5, 100), {ID: 7, Category: 2}}, 7},
		{"ties go to the card added first", []PracticeCard{{ID: 9}, {ID: 4}, {ID: 6}}, 4},
		{"reviewed today is recall 1: last", []PracticeCard{seen(1, 0.1, 0), seen(2, 100, 1)}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := WeakestCard(tc.cards, today)
			if !ok || got.ID != tc.want {
				t.Fatalf("WeakestCard = %d %v, want %d", got.ID, ok, tc.want)
			}
		})
	}
	if _, ok := WeakestCard(nil, today); ok {
		t.Fatal("WeakestCard of no cards says ok")
	}
}

func TestMockDraw(t *testing.T) {
	today := DateOf(2026, 5, 10)
	// recall is given through the elapsed days at stability 1: more days ago, weaker.
	card := func(id, cat int64, daysAgo int) PracticeCard {
		return PracticeCard{ID: id, Category: cat, Reviewed: true, Memory: Memory{Stability: 1, Difficulty: 5}, MemoryDay: today.AddDays(-daysAgo)}
	}
	cards := []PracticeCard{
		card(1, 10, 1), card(2, 10, 50), card(3, 10, 5), // category 10: weakest card 2
		card(4, 20, 20), card(5, 20, 2), // category 20: weakest 4
		{ID: 6, Category: 30}, // category 30: a new card, recall 0, the weakest of all
		card(7, 30, 0),        // reviewed today
	}
	for _, tc := range []struct {
		n    int
		want []int64
	}{
		{0, nil},
		{1, []int64{6}},
		// First pass: the weakest of each category, weakest first (6, 2, 4);
		// then each category's next: 3 (5 days), 5 (2 days), 7 (today).
		{3, []int64{6, 2, 4}},
		{5, []int64{6, 2, 4, 3, 5}},
		{20, []int64{6, 2, 4, 3, 5, 7, 1}},
	} {
		got := MockDraw(cards, tc.n, today)
		if !slices.Equal(got, tc.want) {
			t.Errorf("MockDraw(n=%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
	// Not only due cards: a card reviewed today (not due for days) is drawn
	// once the weaker ones are gone; the input is left as it was.
	before := slices.Clone(cards)
	MockDraw(cards, 7, today)
	if !slices.Equal(before, cards) {
		t.Fatal("MockDraw reordered its input")
	}
	if got := MockDraw(nil, 5, today); len(got) != 0 {
		t.Fatalf("MockDraw of no cards = %v", got)
	}
}

func TestStudyMore(t *testing.T) {
	for _, tc := range []struct {
		name               string
		soFarNew, soFarRev int
		moreNew, moreRev   int
		wantNew, wantRev   int
		wantErr            string
	}{
		{"a first raise", 0, 0, 10, 0, 10, 0, ""},
		{"adds to today's", 10, 50, 10, 50, 20, 100, ""},
		{"negative", 0, 0, -5, 0, 0, 0, "cannot be negative"},
		{"nothing", 0, 0, 0, 0, 0, 0, "how many"},
		{"over the new-card cap", 495, 0, 10, 0, 495, 0, "at most 500 extra new cards"},
		{"over the review cap", 0, 1990, 0, 50, 0, 1990, "at most 2000 extra reviews"},
		{"no overflow", 10, 0, math.MaxInt, 0, 10, 0, "at most 500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, r, err := StudyMore(tc.soFarNew, tc.soFarRev, tc.moreNew, tc.moreRev)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if n != tc.wantNew || r != tc.wantRev {
				t.Fatalf("got %d, %d; want %d, %d", n, r, tc.wantNew, tc.wantRev)
			}
		})
	}
}
