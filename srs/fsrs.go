package srs

import (
	"fmt"
	"math"
)

// This file is the FSRS-6 memory model. It measures; it never schedules:
// SM-2 (sm2.go) alone decides intervals and due days, and nothing here reads
// or changes an SM-2 State. From a card's review log it estimates how well
// the card is remembered, so pages can show the chance of recalling it on a
// given day and rank categories by it.
//
// The arithmetic follows the npm package ts-fsrs 5.x (FSRS-6,
// enable_short_term true, no fuzz) step by step, including where it rounds
// to 8 decimals and the order of its floating-point operations, so that
// both agree to within 1e-6 (testdata/fsrs_vectors.json, written by
// testdata/fsrs-vectors.mjs). docs/scheduling.md states the formulas.

// Memory is the FSRS memory state of one card after its reviews so far.
// The zero Memory stands for a card never reviewed.
type Memory struct {
	// Stability S is the number of days after which predicted recall falls
	// to 90 %: 0.001 to 36500.
	Stability float64
	// Difficulty D runs from 1 (easy) to 10 (hard).
	Difficulty float64
}

// Reviewed reports whether m is the memory state of a reviewed card: its
// stability and difficulty are within their ranges. The zero Memory (a card
// never reviewed) and any corrupt value (NaN, out of range) are not.
func (m Memory) Reviewed() bool {
	return m.Stability >= minStability && m.Stability <= maxStability &&
		m.Difficulty >= 1 && m.Difficulty <= 10
}

// MemoryReview is one entry of a card's review log as the memory model
// sees it: the SM-2 grade given and the user's study day it was given on.
type MemoryReview struct {
	Grade Grade
	Day   int
}

// fsrsWeights are FSRS-6's published default parameters w0..w20, as ts-fsrs
// ships them. They are variables, not constants, on purpose: Go evaluates
// constant expressions exactly, JavaScript in float64, and the results must
// match to the last bit before rounding.
var fsrsWeights = [21]float64{
	0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722,
	0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425,
	0.0912, 0.0658, 0.1542,
}

const (
	minStability = 0.001 // ts-fsrs S_MIN
	maxStability = 36500 // ts-fsrs caps every stability it computes here
)

// Values ts-fsrs recomputes on every call, computed once with the same
// float64 operations.
var (
	// curveDecay is the exponent of the forgetting curve, −w20.
	curveDecay = -fsrsWeights[20]
	// curveFactor is 0.9^(1/curveDecay) − 1, so that R(S, S) = 0.9; ts-fsrs
	// rounds it to 8 decimals.
	curveFactor = round8(math.Exp(math.Pow(curveDecay, -1)*math.Log(0.9)) - 1)
	// easyDifficulty is D0(Easy), the target of difficulty's mean
	// reversion: rounded like every initial difficulty but not clamped,
	// so it is below 1 with the default weights.
	easyDifficulty = initialDifficulty(4)
	// lapseDivisor keeps a lapse from raising stability:
	// S' <= S / e^(w17·w18).
	lapseDivisor = math.Exp(fsrsWeights[17] * fsrsWeights[18])
	expW8        = math.Exp(fsrsWeights[8])
)

// fsrsRating maps an SM-2 grade to an FSRS rating: 0, 1 and 2 (failures)
// to Again (1), 3 to Hard (2), 4 to Good (3), 5 to Easy (4).
func fsrsRating(g Grade) float64 {
	return fsrsRatings[g]
}

var fsrsRatings = [6]float64{1, 1, 1, 2, 3, 4}

// NextMemory returns the memory state after a review with grade g given
// elapsedDays study days after the card's previous review.
//
//   - A card not yet reviewed (!m.Reviewed(), the zero Memory included)
//     starts from the grade alone; elapsedDays is ignored.
//   - elapsedDays 0, a second review on the same study day, takes FSRS's
//     short-term path. A negative elapsedDays (the study day moved back,
//     say after a change of time zone) counts as 0.
//   - Otherwise a failing grade is a lapse and a passing one a recall, with
//     the predicted recall of the previous state after elapsedDays.
//
// It measures memory only; the SM-2 schedule is left to Next. A grade
// outside 0..5 returns m unchanged and an error wrapping ErrInvalidGrade.
func NextMemory(m Memory, elapsedDays int, g Grade) (Memory, error) {
	if !g.Valid() {
		return m, fmt.Errorf("%w: got %d", ErrInvalidGrade, int(g))
	}
	return nextMemory(m, elapsedDays, fsrsRating(g)), nil
}

// ReplayMemory folds a card's whole review log, oldest first, into its
// memory state: each review goes through NextMemory with the study days
// since the review before it. Reviews with a grade outside 0..5 are
// skipped, as NextMemory would refuse them. An empty log gives the zero
// Memory.
//
// Applying NextMemory to ReplayMemory(log) with one more review gives
// ReplayMemory of the longer log exactly, so a store may keep the state and
// update it on each grade instead of replaying.
func ReplayMemory(reviews []MemoryReview) Memory {
	var m Memory
	prevDay := 0
	for _, r := range reviews {
		if !r.Grade.Valid() {
			continue
		}
		m = nextMemory(m, r.Day-prevDay, fsrsRating(r.Grade))
		prevDay = r.Day
	}
	return m
}

// Recall is the predicted probability, 0 to 1, of recalling a card of the
// given stability elapsedDays study days after its last review: the FSRS-6
// forgetting curve R(t, S) = (1 + f·t/S)^(−w20), with f chosen so that
// R(S, S) = 0.9, rounded to 8 decimals as ts-fsrs does. It is 1 on the day
// of the review (a negative elapsedDays counts as 0) and 0 for a stability
// that is not positive, a card never reviewed.
func Recall(elapsedDays int, stability float64) float64 {
	if !(stability > 0) {
		return 0
	}
	return recall(float64(max(elapsedDays, 0)), stability)
}

func recall(t, s float64) float64 {
	return round8(math.Pow(1+float64(curveFactor*t/s), curveDecay))
}

// nextMemory is NextMemory for a valid rating g (1 Again .. 4 Easy), in
// ts-fsrs' order of operations. Products that are then added are wrapped
// in float64() so the compiler cannot fuse them into one FMA instruction,
// which would round differently from JavaScript.
func nextMemory(m Memory, elapsedDays int, g float64) Memory {
	w := &fsrsWeights
	if !m.Reviewed() {
		return Memory{
			Stability:  max(w[int(g)-1], 0.1),
			Difficulty: clampFloat(initialDifficulty(g), 1, 10),
		}
	}
	s, d := m.Stability, m.Difficulty
	var next float64
	switch {
	case elapsedDays <= 0:
		next = shortTermStability(s, g)
	case g == 1:
		next = lapseStability(d, s, recall(float64(elapsedDays), s))
	default:
		next = recallStability(d, s, recall(float64(elapsedDays), s), g)
	}
	return Memory{Stability: next, Difficulty: nextDifficulty(d, g)}
}

// initialDifficulty is D0(g) = w4 − e^((g−1)·w5) + 1, rounded, not clamped.
func initialDifficulty(g float64) float64 {
	w := &fsrsWeights
	return round8(w[4] - math.Exp((g-1)*w[5]) + 1)
}

// nextDifficulty moves d by −w6·(g−3), damped linearly as d nears 10, then
// reverts it by w7 towards D0(Easy), and clamps it to [1, 10].
func nextDifficulty(d, g float64) float64 {
	w := &fsrsWeights
	delta := -w[6] * (g - 3)
	damped := d + round8(delta*(10-d)/9)
	reverted := round8(float64(w[7]*easyDifficulty) + float64((1-w[7])*damped))
	return clampFloat(reverted, 1, 10)
}

// shortTermStability is the same-day update S·max(S^(−w19)·e^(w17·(g−3+w18)), 1),
// the max applying to passing grades only (Hard and up).
func shortTermStability(s, g float64) float64 {
	w := &fsrsWeights
	growth := math.Pow(s, -w[19]) * math.Exp(w[17]*(g-3+w[18]))
	if g >= 2 {
		growth = max(growth, 1)
	}
	return round8(clampFloat(s*growth, minStability, maxStability))
}

// lapseStability is the stability after a failure at predicted recall r:
// w11·D^(−w12)·((S+1)^w13 − 1)·e^((1−R)·w14) or S / e^(w17·w18), whichever
// is lower (a lapse never raises stability), and never below 0.001.
func lapseStability(d, s, r float64) float64 {
	w := &fsrsWeights
	forgotten := round8(clampFloat(
		w[11]*math.Pow(d, -w[12])*(math.Pow(s+1, w[13])-1)*math.Exp((1-r)*w[14]),
		minStability, maxStability))
	return min(max(round8(s/lapseDivisor), minStability), forgotten)
}

// recallStability is the stability after a successful recall at predicted
// recall r: S·(1 + e^w8·(11−D)·S^(−w9)·(e^((1−R)·w10) − 1)·(w15 if Hard)·(w16 if Easy)).
func recallStability(d, s, r, g float64) float64 {
	w := &fsrsWeights
	hardPenalty, easyBonus := 1.0, 1.0
	switch g {
	case 2:
		hardPenalty = w[15]
	case 4:
		easyBonus = w[16]
	}
	growth := expW8 * (11 - d) * math.Pow(s, -w[9]) * (math.Exp((1-r)*w[10]) - 1) * hardPenalty * easyBonus
	return round8(clampFloat(s*(1+float64(growth)), minStability, maxStability))
}

// clampFloat is ts-fsrs' clamp: min(max(x, lo), hi).
func clampFloat(x, lo, hi float64) float64 {
	return min(max(x, lo), hi)
}

// round8 rounds x to 8 decimals the way ts-fsrs stores every S, D and R:
// Math.round(x·1e8) / 1e8 in JavaScript.
func round8(x float64) float64 {
	return jsRound(x*1e8) / 1e8
}

// jsRound is JavaScript's Math.round: the nearest integer, halves rounded
// towards +∞ (−2.5 gives −2, where math.Round gives −3). Unlike
// math.Floor(x+0.5) it is exact for every float64: 0.49999999999999994
// gives 0, not 1.
func jsRound(x float64) float64 {
	f := math.Floor(x)
	// x−f is exact here (f <= x < f+1, both of x's magnitude), except for
	// x in (−0.5, 0), where x+1 may round up to 1 but stays >= 0.5 anyway.
	if x-f >= 0.5 {
		// Copysign keeps Math.round's −0 for x in [−0.5, 0).
		return math.Copysign(f+1, x)
	}
	return f
}
