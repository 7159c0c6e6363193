package srs

import (
	"errors"
	"fmt"
	"math"
)

// ErrInvalidGrade is returned for a grade outside 0..5.
var ErrInvalidGrade = errors.New("srs: grade must be between 0 and 5")

// Grade is the SM-2 quality of response, 0..5. Grades of 3 and above are
// passes.
type Grade int

// Valid reports whether g is one of the six SM-2 grades.
func (g Grade) Valid() bool { return g >= 0 && g <= 5 }

// Passed reports whether g counts as a successful recall (3 or more).
func (g Grade) Passed() bool { return g >= PassGrade && g <= 5 }

var gradeLabels = [6]struct{ label, description string }{
	{"Blackout", "Complete blackout: nothing came to mind."},
	{"Wrong", "Wrong, but the answer was familiar once shown."},
	{"Almost", "Wrong, but the answer seemed easy once shown."},
	{"Hard", "Right, recalled with serious difficulty."},
	{"Good", "Right, after some hesitation."},
	{"Perfect", "Right, recalled perfectly."},
}

// Label is a short name for the grade, fit for an answer button. It is empty
// for an invalid grade.
func (g Grade) Label() string {
	if !g.Valid() {
		return ""
	}
	return gradeLabels[g].label
}

// Description is the SM-2 meaning of the grade in one sentence, fit for a
// tooltip. It is empty for an invalid grade.
func (g Grade) Description() string {
	if !g.Valid() {
		return ""
	}
	return gradeLabels[g].description
}

// State is what SM-2 remembers about one card between reviews.
type State struct {
	Repetitions int // n: successful repetitions in a row
	Interval    int // I: days until the next review
	Ease        int // E-Factor in hundredths: 250 means 2.50
}

const (
	// MaxInterval caps intervals at about a hundred years, so due days stay
	// far from overflow and a runaway ease cannot schedule past any calendar.
	MaxInterval = 36500

	// minEase is the SM-2 floor of 1.30 for the E-Factor.
	minEase = 130
	// startEase is the SM-2 starting E-Factor of 2.50.
	startEase = 250
)

// New returns the state of a card that was never graded.
func New() State {
	return State{Repetitions: 0, Interval: 0, Ease: startEase}
}

// Next applies one counted grade to s and returns the new state, following
// SM-2 in exact integer arithmetic:
//
//   - grade >= 3: the interval becomes 1 if n = 0, 6 if n = 1, otherwise
//     ceil(I × EF) with the E-Factor from before this grade; then n grows by 1.
//   - grade < 3: n = 0 and I = 1; the E-Factor is kept.
//   - every grade, failures included, then moves the E-Factor by
//     0.1 - (5-q)(0.08 + (5-q)·0.02), never below 1.30.
//
// Intervals are capped at MaxInterval. Odd input is repaired before use
// rather than rejected, because it comes from stored rows a user cannot fix:
// negative Repetitions and Interval count as 0, an Interval above MaxInterval
// as MaxInterval, an Ease below 130 as 130. A state with n >= 2 but no
// interval gets 1 day. Huge values saturate instead of overflowing.
//
// A grade outside 0..5 returns the zero State and an error wrapping
// ErrInvalidGrade.
func Next(s State, g Grade) (State, error) {
	if !g.Valid() {
		return State{}, fmt.Errorf("%w: got %d", ErrInvalidGrade, int(g))
	}
	s = repair(s)
	next := State{Ease: nextEase(s.Ease, g)}
	if !g.Passed() {
		next.Repetitions, next.Interval = 0, 1
		return next, nil
	}
	switch s.Repetitions {
	case 0:
		next.Interval = 1
	case 1:
		next.Interval = 6
	default:
		next.Interval = scaleInterval(s.Interval, s.Ease)
	}
	next.Repetitions = s.Repetitions
	if next.Repetitions < math.MaxInt {
		next.Repetitions++
	}
	return next, nil
}

func repair(s State) State {
	s.Repetitions = max(s.Repetitions, 0)
	s.Interval = min(max(s.Interval, 0), MaxInterval)
	s.Ease = max(s.Ease, minEase)
	return s
}

// scaleInterval returns ceil(interval × ease/100) within [1, MaxInterval].
// interval is in [0, MaxInterval] and ease >= minEase.
func scaleInterval(interval, ease int) int {
	// Past this bound the product would exceed the cap anyway; checking first
	// also keeps interval*ease far from overflow for a huge ease.
	if interval > MaxInterval*100/ease {
		return MaxInterval
	}
	return max((interval*ease+99)/100, 1)
}

// nextEase applies the SM-2 E-Factor formula in hundredths, where it is exact:
// 10 - (5-q)(8 + 2(5-q)) gives +10, 0, -14, -32, -54, -80 for q = 5..0.
func nextEase(ease int, g Grade) int {
	miss := 5 - int(g)
	delta := 10 - miss*(8+2*miss)
	if delta > 0 && ease > math.MaxInt-delta {
		return math.MaxInt
	}
	return max(ease+delta, minEase)
}
