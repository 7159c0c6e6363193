package srs_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/flashcards/flashcards/srs"
)

// fsrsVectors is testdata/fsrs_vectors.json, written by
// testdata/fsrs-vectors.mjs from the npm package ts-fsrs.
type fsrsVectors struct {
	Source     string        `json:"source"`
	RecallDays []int         `json:"recall_days"`
	Histories  []fsrsHistory `json:"histories"`
	Curve      [][3]float64  `json:"curve"` // t, S, R
	Rounding   [][2]float64  `json:"rounding"`
	Weights    []float64     `json:"weights"`
}

type fsrsHistory struct {
	Name    string       `json:"name"`
	Reviews [][2]int     `json:"reviews"` // SM-2 grade, study day
	States  string       `json:"states"`  // ts-fsrs state before each review: N, L, R, X
	Memory  [][2]float64 `json:"memory"`  // S, D after each review
	Recall  []float64    `json:"recall"`  // R after the last review, at recall_days
}

// tsFSRSTolerance is the agreement the issue asks for.
const tsFSRSTolerance = 1e-6

func loadFSRSVectors(t testing.TB) fsrsVectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/fsrs_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v fsrsVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Histories) == 0 || len(v.Curve) == 0 {
		t.Fatal("no vectors in testdata/fsrs_vectors.json")
	}
	return v
}

// TestMemoryMatchesTSFSRS replays every history of the ts-fsrs vectors one
// grade at a time and checks S and D after each review, and R on several
// later days, against ts-fsrs to 1e-6. It also checks that the vectors
// still exercise every path of the model in every ts-fsrs state, so a
// regenerated file cannot silently drop one.
func TestMemoryMatchesTSFSRS(t *testing.T) {
	v := loadFSRSVectors(t)
	var maxErrS, maxErrD, maxErrR float64
	reviews := 0
	covered := map[string]int{}
	for _, h := range v.Histories {
		if len(h.Memory) != len(h.Reviews) || len(h.States) != len(h.Reviews) || len(h.Recall) != len(v.RecallDays) {
			t.Fatalf("%s: malformed vector", h.Name)
		}
		var m srs.Memory
		var log []srs.MemoryReview
		for i, r := range h.Reviews {
			g, day := srs.Grade(r[0]), r[1]
			elapsed := 0
			if i > 0 {
				elapsed = day - h.Reviews[i-1][1]
			}
			for _, path := range memoryPaths(i, elapsed, g, h.States[i]) {
				covered[path]++
			}

			var err error
			m, err = srs.NextMemory(m, elapsed, g)
			if err != nil {
				t.Fatalf("%s review %d: %v", h.Name, i, err)
			}
			want := h.Memory[i]
			errS, errD := math.Abs(m.Stability-want[0]), math.Abs(m.Difficulty-want[1])
			maxErrS, maxErrD = max(maxErrS, errS), max(maxErrD, errD)
			if !(errS <= tsFSRSTolerance && errD <= tsFSRSTolerance) {
				t.Errorf("%s review %d (grade %d, t=%d, ts-fsrs state %c): S, D = %.8f, %.8f; ts-fsrs %.8f, %.8f",
					h.Name, i, g, elapsed, h.States[i], m.Stability, m.Difficulty, want[0], want[1])
			}
			if m.Stability == 0.001 {
				covered["stability floor 0.001"]++
			}
			if m.Stability == 36500 {
				covered["stability ceiling 36500"]++
			}
			if m.Difficulty == 1 && i > 0 {
				covered["difficulty clamped at 1 after a review"]++
			}

			log = append(log, srs.MemoryReview{Grade: g, Day: day})
			if got := srs.ReplayMemory(log); got != m {
				t.Errorf("%s: ReplayMemory of %d reviews = %+v, NextMemory one by one = %+v", h.Name, len(log), got, m)
			}
			reviews++
		}
		for j, days := range v.RecallDays {
			got := srs.Recall(days, m.Stability)
			errR := math.Abs(got - h.Recall[j])
			maxErrR = max(maxErrR, errR)
			if !(errR <= tsFSRSTolerance) {
				t.Errorf("%s: Recall(%d, %.8f) = %.8f; ts-fsrs %.8f", h.Name, days, m.Stability, got, h.Recall[j])
			}
		}
	}
	t.Logf("%s: %d histories, %d reviews; max abs error S %.3g, D %.3g, R %.3g",
		v.Source, len(v.Histories), reviews, maxErrS, maxErrD, maxErrR)

	for _, path := range []string{
		"first review",
		"same day in L", "same day in R", "same day in X",
		"lapse in L", "lapse in R", "lapse in X",
		"Hard recall in L", "Hard recall in R", "Hard recall in X",
		"Good recall in L", "Good recall in R", "Good recall in X",
		"Easy recall in L", "Easy recall in R", "Easy recall in X",
		"stability floor 0.001", "stability ceiling 36500", "difficulty clamped at 1 after a review",
	} {
		if covered[path] == 0 {
			t.Errorf("the vectors never take the path %q", path)
		}
	}
	for g := range 6 {
		paths := []string{"first review with grade %d", "same day with grade %d"}
		if g < 3 {
			paths = append(paths, "lapse with grade %d")
		}
		for _, path := range paths {
			if path = fmt.Sprintf(path, g); covered[path] == 0 {
				t.Errorf("the vectors never take the path %q", path)
			}
		}
	}
}

// memoryPaths names the branch of the model that review i takes, once with
// the ts-fsrs scheduling state it was in and once with its SM-2 grade.
func memoryPaths(i, elapsed int, g srs.Grade, state byte) []string {
	var branch string
	switch {
	case i == 0:
		return []string{"first review", fmt.Sprintf("first review with grade %d", g)}
	case elapsed == 0:
		branch = "same day"
	case g < 3:
		branch = "lapse"
	default:
		branch = [6]string{3: "Hard", 4: "Good", 5: "Easy"}[g] + " recall"
	}
	return []string{branch + " in " + string(state), fmt.Sprintf("%s with grade %d", branch, g)}
}

// TestRecallMatchesTSFSRS checks the forgetting curve on a grid of
// stabilities from the 0.001 floor to the 36500 ceiling.
func TestRecallMatchesTSFSRS(t *testing.T) {
	v := loadFSRSVectors(t)
	for _, c := range v.Curve {
		days, s, want := int(c[0]), c[1], c[2]
		if got := srs.Recall(days, s); !(math.Abs(got-want) <= tsFSRSTolerance) {
			t.Errorf("Recall(%d, %v) = %.8f; ts-fsrs %.8f", days, s, got, want)
		}
	}
}

func TestFirstMemory(t *testing.T) {
	// S = w[rating-1]; D = clamp(w4 − e^((rating−1)·w5) + 1, 1, 10), rounded.
	tests := []struct {
		grade srs.Grade
		want  srs.Memory
	}{
		{0, srs.Memory{Stability: 0.212, Difficulty: 6.4133}},
		{1, srs.Memory{Stability: 0.212, Difficulty: 6.4133}},
		{2, srs.Memory{Stability: 0.212, Difficulty: 6.4133}},
		{3, srs.Memory{Stability: 1.2931, Difficulty: 5.11217071}},
		{4, srs.Memory{Stability: 2.3065, Difficulty: 2.11810397}},
		{5, srs.Memory{Stability: 8.2956, Difficulty: 1}}, // 6.4133 − e^(3·0.8334) + 1 < 1
	}
	for _, tt := range tests {
		got, err := srs.NextMemory(srs.Memory{}, 0, tt.grade)
		if err != nil || got != tt.want {
			t.Errorf("NextMemory(zero, 0, %d) = %+v, %v; want %+v", tt.grade, got, err, tt.want)
		}
		// The elapsed days of a first review do not matter.
		if again, _ := srs.NextMemory(srs.Memory{}, 30, tt.grade); again != got {
			t.Errorf("first review %d after 30 days = %+v, same day %+v", tt.grade, again, got)
		}
	}
}

// TestMemoryGradeMapping checks that SM-2's three failing grades are one
// FSRS rating (Again) and its three passing grades three different ones.
func TestMemoryGradeMapping(t *testing.T) {
	start := srs.ReplayMemory([]srs.MemoryReview{{4, 0}, {4, 1}, {4, 7}})
	for _, elapsed := range []int{0, 1, 10, 400} {
		var after [6]srs.Memory
		for g := srs.Grade(0); g <= 5; g++ {
			after[g], _ = srs.NextMemory(start, elapsed, g)
		}
		if after[0] != after[1] || after[1] != after[2] {
			t.Errorf("t=%d: grades 0, 1, 2 give %+v, %+v, %+v; want one Again", elapsed, after[0], after[1], after[2])
		}
		if after[2] == after[3] || after[3] == after[4] || after[4] == after[5] {
			t.Errorf("t=%d: grades 2..5 give %+v; want four different ratings", elapsed, after[2:])
		}
		if !(after[2].Difficulty > after[3].Difficulty && after[3].Difficulty > after[4].Difficulty && after[4].Difficulty > after[5].Difficulty) {
			t.Errorf("t=%d: difficulty should fall from Again to Easy: %+v", elapsed, after[2:])
		}
	}
}

func TestNextMemoryRejectsInvalidGrade(t *testing.T) {
	m := srs.Memory{Stability: 3.5, Difficulty: 5}
	for _, g := range []srs.Grade{-1, 6, 100} {
		got, err := srs.NextMemory(m, 2, g)
		if !errors.Is(err, srs.ErrInvalidGrade) || got != m {
			t.Errorf("NextMemory(m, 2, %d) = %+v, %v; want m unchanged and ErrInvalidGrade", g, got, err)
		}
	}
}

// TestNextMemoryOddInput checks the repairs: a study day that moved back
// counts as the same day, and a corrupt state starts over from the grade.
func TestNextMemoryOddInput(t *testing.T) {
	m := srs.Memory{Stability: 3.5, Difficulty: 5}
	sameDay, _ := srs.NextMemory(m, 0, 4)
	if back, _ := srs.NextMemory(m, -3, 4); back != sameDay {
		t.Errorf("t=-3 gives %+v, same day %+v", back, sameDay)
	}
	first, _ := srs.NextMemory(srs.Memory{}, 0, 3)
	for _, bad := range []srs.Memory{
		{Stability: math.NaN(), Difficulty: 5},
		{Stability: 3, Difficulty: math.NaN()},
		{Stability: 0.0005, Difficulty: 5},
		{Stability: 3, Difficulty: 0.5},
		{Stability: 3, Difficulty: 11},
		{Stability: math.Inf(1), Difficulty: 5},
		{Stability: -1, Difficulty: -1},
	} {
		if bad.Reviewed() {
			t.Errorf("%+v.Reviewed() = true", bad)
		}
		if got, _ := srs.NextMemory(bad, 5, 3); got != first {
			t.Errorf("NextMemory(%+v, 5, 3) = %+v; want a first review %+v", bad, got, first)
		}
	}
	if (srs.Memory{}).Reviewed() || !m.Reviewed() {
		t.Error("Reviewed: want false for the zero Memory, true for a valid state")
	}
}

func TestRecall(t *testing.T) {
	if got := srs.Recall(0, 12.3); got != 1 {
		t.Errorf("Recall on the review day = %v, want 1", got)
	}
	if got := srs.Recall(-4, 12.3); got != 1 {
		t.Errorf("Recall(-4, S) = %v, want 1", got)
	}
	for _, s := range []float64{0, -1, math.NaN()} {
		if got := srs.Recall(5, s); got != 0 {
			t.Errorf("Recall(5, %v) = %v, want 0 for a card never reviewed", s, got)
		}
	}
	// Stability is the day recall falls to 90 %.
	for _, s := range []int{1, 7, 30, 365} {
		if got := srs.Recall(s, float64(s)); math.Abs(got-0.9) > 1e-7 {
			t.Errorf("Recall(%d, %d) = %v, want 0.9", s, s, got)
		}
	}
	prev := 1.0
	for days := 1; days <= 1000; days++ {
		got := srs.Recall(days, 10)
		if !(got < prev && got > 0) {
			t.Fatalf("Recall(%d, 10) = %v after %v: want falling and positive", days, got, prev)
		}
		prev = got
	}
}

func TestReplayMemory(t *testing.T) {
	if got := srs.ReplayMemory(nil); got != (srs.Memory{}) || got.Reviewed() {
		t.Errorf("ReplayMemory(nil) = %+v, want the zero Memory", got)
	}
	log := []srs.MemoryReview{{4, 10}, {7, 11}, {3, 12}, {-1, 12}, {5, 20}}
	valid := []srs.MemoryReview{{4, 10}, {3, 12}, {5, 20}}
	if got, want := srs.ReplayMemory(log), srs.ReplayMemory(valid); got != want {
		t.Errorf("invalid grades should be skipped: %+v, want %+v", got, want)
	}
	// The log's first study day does not matter, only the gaps.
	shifted := []srs.MemoryReview{{4, 1000}, {3, 1002}, {5, 1010}}
	if got, want := srs.ReplayMemory(shifted), srs.ReplayMemory(valid); got != want {
		t.Errorf("shifted log gives %+v, want %+v", got, want)
	}
}

// TestReplayMemoryIsIncremental: the state a store keeps, updated with one
// more grade, equals replaying the whole log, bit for bit.
func TestReplayMemoryIsIncremental(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 1))
	for range 200 {
		var log []srs.MemoryReview
		var kept srs.Memory
		day := r.IntN(20000)
		for n := range 1 + r.IntN(40) {
			prev := day
			if n > 0 && r.IntN(3) > 0 {
				day += r.IntN(60)
			}
			g := srs.Grade(r.IntN(6))
			log = append(log, srs.MemoryReview{Grade: g, Day: day})
			kept, _ = srs.NextMemory(kept, day-prev, g)
			if replayed := srs.ReplayMemory(log); replayed != kept {
				t.Fatalf("log %v: replay %+v, incremental %+v", log, replayed, kept)
			}
			if !kept.Reviewed() {
				t.Fatalf("log %v: state %+v out of range", log, kept)
			}
		}
	}
}

// benchLog is a 100-review log: mostly passing grades at growing gaps,
// some same-day re-drills and lapses.
func benchLog() []srs.MemoryReview {
	r := rand.New(rand.NewPCG(1, 2))
	log := make([]srs.MemoryReview, 100)
	day := 0
	for i := range log {
		if r.IntN(4) > 0 {
			day += 1 + r.IntN(30)
		}
		log[i] = srs.MemoryReview{Grade: srs.Grade([]int{1, 3, 4, 4, 4, 5}[r.IntN(6)]), Day: day}
	}
	return log
}

// BenchmarkMemoryUpdate is the work a grade adds to the store: one
// NextMemory on a reviewed card, cycling through grades and gaps.
func BenchmarkMemoryUpdate(b *testing.B) {
	start := srs.ReplayMemory(benchLog()[:20])
	grades := []srs.Grade{4, 3, 5, 1, 4, 0}
	gaps := []int{3, 0, 12, 1, 40, 7, 0}
	var sink srs.Memory
	i := 0
	for b.Loop() {
		m, err := srs.NextMemory(start, gaps[i%len(gaps)], grades[i%len(grades)])
		if err != nil {
			b.Fatal(err)
		}
		sink = m
		i++
	}
	_ = sink
}

func BenchmarkReplayMemory100(b *testing.B) {
	log := benchLog()
	var sink srs.Memory
	for b.Loop() {
		sink = srs.ReplayMemory(log)
	}
	_ = sink
}
