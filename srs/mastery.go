package srs

import (
	"cmp"
	"fmt"
)

// MatureInterval is the interval, in days, from which a card counts as
// mature. It is also where mastery credit stops growing: a card reviewed
// three weeks apart counts as known.
const MatureInterval = 21

// RecallWindow is how many study days, today included, recall rates and
// lapse counts look back over.
const RecallWindow = 30

// RecallSince returns the first study day of the recall window that ends
// on today, for a query like "study_day >= ?".
func RecallSince(today Day) Day { return today.AddDays(-(RecallWindow - 1)) }

// Stage is how far along a card is, for the stats page.
type Stage int

const (
	StageNew      Stage = iota // never graded
	StageLearning              // graded, fewer than 2 successful repetitions in a row
	StageYoung                 // at least 2 in a row, interval under MatureInterval
	StageMature                // interval of MatureInterval days or more
)

var stageNames = [...]string{
	StageNew:      "new",
	StageLearning: "learning",
	StageYoung:    "young",
	StageMature:   "mature",
}

// String is the stage as the stats page names it: "new", "learning",
// "young" or "mature".
func (s Stage) String() string {
	if s < 0 || int(s) >= len(stageNames) {
		return fmt.Sprintf("Stage(%d)", int(s))
	}
	return stageNames[s]
}

// Stage classifies c. A store keeps it with the card's state and counts
// it; it never classifies again.
func (c Card) Stage() Stage {
	switch {
	case !c.Graded:
		return StageNew
	case c.State.Repetitions < 2:
		return StageLearning
	case c.State.Interval < MatureInterval:
		return StageYoung
	default:
		return StageMature
	}
}

// MasteryCredit is what one card adds to its category's mastery, in days
// from 0 to MatureInterval: its interval capped at 21, and 0 if it was never
// graded. A store keeps it with the card's state and sums it per category
// for MasteryFromSum; the change a grade makes to it (EffectsOf) is what
// the mastery trend adds up day by day.
func MasteryCredit(c Card) int {
	if !c.Graded {
		return 0
	}
	return min(max(c.State.Interval, 0), MatureInterval)
}

// Mastery is the mean over cards of min(1, interval/21), as a percentage
// from 0 to 100; never-graded cards count 0 and no cards give 0.
func Mastery(cards []Card) float64 {
	credit := 0
	for _, c := range cards {
		credit += MasteryCredit(c)
	}
	return MasteryFromSum(credit, len(cards))
}

// MasteryFromSum finishes Mastery from the sum of MasteryCredit over a
// category's cards and the number of cards, so a store can aggregate in SQL
// and still get the exact float64 Mastery would. It divides once, so equal
// fractions give equal results (1 of 2 cards mature ties with 2 of 4).
func MasteryFromSum(credit, cards int) float64 {
	if cards <= 0 || credit <= 0 {
		return 0
	}
	// Both products are exact in float64 for any realistic deck.
	return min(float64(credit)*100/(float64(cards)*MatureInterval), 100)
}

// RecallRate is the percentage of counted grades that passed (3 or more),
// given the count of counted grades in the recall window and how many of
// them passed. ok is false when there were none: no grades is not a 0% rate.
func RecallRate(counted, passed int) (rate float64, ok bool) {
	if counted <= 0 {
		return 0, false
	}
	passed = min(max(passed, 0), counted)
	return float64(passed) * 100 / float64(counted), true
}

// IsLapse reports whether counted grade g, given to a card in state before,
// is a lapse: a failure of a card that had been recalled at least once in a
// row. Failing a card still being learned is not a lapse. Only counted grades
// can be lapses; re-drill grades never are.
func IsLapse(before State, g Grade) bool {
	return g.Valid() && !g.Passed() && before.Repetitions >= 1
}

// AtRiskRecall is the predicted recall below which a reviewed card counts
// as at risk today.
const AtRiskRecall = 0.8

// RecallTally sums the predicted recall today of a category's reviewed
// cards (those with a memory state), card by card.
type RecallTally struct {
	Reviewed int // cards counted
	AtRisk   int // of them, predicted recall below AtRiskRecall
	sum      float64
}

// Add counts one reviewed card whose predicted recall today is r, 0 to 1,
// from Recall.
func (t *RecallTally) Add(r float64) {
	t.Reviewed++
	t.sum += r
	if r < AtRiskRecall {
		t.AtRisk++
	}
}

// Mean is the mean predicted recall of the cards counted, as a percentage
// from 0 to 100. ok is false when no card was counted: a category nobody
// reviewed has no recall, not a recall of 0.
func (t RecallTally) Mean() (pct float64, ok bool) {
	if t.Reviewed == 0 {
		return 0, false
	}
	return min(max(t.sum*100/float64(t.Reviewed), 0), 100), true
}

// CategoryStats are one user's figures for one category.
type CategoryStats struct {
	Slug  string
	Cards int
	// Mastery is a percentage, from Mastery or MasteryFromSum.
	Mastery float64
	// Started is whether any of the category's cards has been reviewed.
	Started bool
	// RecallNow is the mean predicted recall today of the category's
	// reviewed cards, a percentage from RecallTally.Mean; meaningful only
	// if Started.
	RecallNow float64
}

// weaknessGroup ranks categories before their figures: started ones
// first, then those with cards not started yet, then those without cards.
func weaknessGroup(s CategoryStats) int {
	switch {
	case s.Started:
		return 0
	case s.Cards > 0:
		return 1
	}
	return 2
}

// CompareWeakness orders categories weakest first. Started categories come
// first, lowest recall today first; then categories with cards none of
// which was reviewed yet; then categories without cards. Ties go to the
// lower mastery, then to the slug ascending. It suits slices.SortFunc.
func CompareWeakness(a, b CategoryStats) int {
	if c := cmp.Compare(weaknessGroup(a), weaknessGroup(b)); c != 0 {
		return c
	}
	if a.Started {
		if c := cmp.Compare(a.RecallNow, b.RecallNow); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(a.Mastery, b.Mastery); c != 0 {
		return c
	}
	return cmp.Compare(a.Slug, b.Slug)
}

// Weakest returns the slug of the weakest started category: the lowest
// recall today, ties going to the lower mastery, then to the slug. A
// category none of whose cards was reviewed is never the weakest, however
// low its mastery: it is not started, and its recall is not measured. ok
// is false when no category is started.
func Weakest(stats []CategoryStats) (slug string, ok bool) {
	var weakest *CategoryStats
	for i := range stats {
		s := &stats[i]
		if s.Started && (weakest == nil || CompareWeakness(*s, *weakest) < 0) {
			weakest = s
		}
	}
	if weakest == nil {
		return "", false
	}
	return weakest.Slug, true
}
