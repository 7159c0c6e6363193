package srs

import (
	"cmp"
	"fmt"
	"slices"
)

// Practice beyond the schedule: which card to practise next, and which
// cards a mock interview draws. Both rank cards by their predicted recall
// today, weakest first. A card never reviewed ranks as recall 0: nothing
// is known of it, so it is as weak as a card surely forgotten, and a scope
// with new cards shows them alongside its forgotten ones.

// PracticeCard is a card as practice ranks it.
type PracticeCard struct {
	ID       int64
	Category int64
	// Reviewed is false for a card with no review of any kind; Memory and
	// MemoryDay mean nothing then.
	Reviewed  bool
	Memory    Memory
	MemoryDay Day
}

// RecallToday is the card's predicted recall on study day today, 0 for a
// card never reviewed.
func (c PracticeCard) RecallToday(today Day) float64 {
	if !c.Reviewed {
		return 0
	}
	return Recall(today.Sub(c.MemoryDay), c.Memory.Stability)
}

// weaker orders two cards for practice: lower recall today first, then the
// card added first (the lower id), so the order is the same every time.
func weaker(today Day) func(a, b PracticeCard) int {
	return func(a, b PracticeCard) int {
		if c := cmp.Compare(a.RecallToday(today), b.RecallToday(today)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	}
}

// WeakestCard returns the card to practise first on study day today: the
// lowest recall, ties to the lowest id. ok is false for no cards.
func WeakestCard(cards []PracticeCard, today Day) (c PracticeCard, ok bool) {
	if len(cards) == 0 {
		return PracticeCard{}, false
	}
	return slices.MinFunc(cards, weaker(today)), true
}

// PracticeAgain says whether a card whose latest practice grade of a
// round is g comes back later in that round: below 4, as a grade of the
// day's queue puts a card in its re-drill queue.
func PracticeAgain(g Grade) bool { return g < redrillPass }

// MockDraw draws up to n cards for a mock interview on study day today,
// from any cards (due or not, new included). An interview ranges over
// topics, so the draw goes round the categories: in each pass, one card
// per category, the weakest card of each not yet drawn, and within a pass
// the weakest of those first. So the first card drawn is the weakest of
// all, and n cards span min(n, categories) categories. It returns card ids
// in the order to ask them.
func MockDraw(cards []PracticeCard, n int, today Day) []int64 {
	if n <= 0 || len(cards) == 0 {
		return nil
	}
	sorted := slices.Clone(cards)
	slices.SortFunc(sorted, weaker(today))
	// Each category's cards, weakest first; categories in the order of
	// their weakest card.
	var order []int64
	piles := map[int64][]PracticeCard{}
	for _, c := range sorted {
		if _, seen := piles[c.Category]; !seen {
			order = append(order, c.Category)
		}
		piles[c.Category] = append(piles[c.Category], c)
	}
	drawn := make([]int64, 0, min(n, len(cards)))
	for len(drawn) < n && len(order) > 0 {
		pass := make([]PracticeCard, 0, len(order))
		next := order[:0:0]
		for _, cat := range order {
			pile := piles[cat]
			pass = append(pass, pile[0])
			if piles[cat] = pile[1:]; len(pile) > 1 {
				next = append(next, cat)
			}
		}
		slices.SortFunc(pass, weaker(today))
		for _, c := range pass {
			if len(drawn) == n {
				break
			}
			drawn = append(drawn, c.ID)
		}
		// Categories keep the order of their weakest remaining card.
		slices.SortStableFunc(next, func(a, b int64) int { return weaker(today)(piles[a][0], piles[b][0]) })
		order = next
	}
	return drawn
}

// Study more today: a one-day raise of the day's limits.
const (
	// MaxStudyMoreNew and MaxStudyMoreReviews bound one day's raise of the
	// new-card and review limits, all raises of the day together.
	MaxStudyMoreNew     = 500
	MaxStudyMoreReviews = 2000
)

// RefusedRaise is a raise StudyMore refuses, in the words the person
// reads: a sentence of its own.
type RefusedRaise string

func (e RefusedRaise) Error() string { return string(e) }

// StudyMore adds a raise of the day's limits (more new cards, more
// reviews) to the raise already given today, refusing in words a negative
// or zero raise, or a total beyond MaxStudyMoreNew or MaxStudyMoreReviews.
func StudyMore(newSoFar, reviewsSoFar, moreNew, moreReviews int) (newTotal, reviewsTotal int, err error) {
	switch {
	case moreNew < 0 || moreReviews < 0:
		return newSoFar, reviewsSoFar, RefusedRaise("A raise of the day's limits cannot be negative")
	case moreNew == 0 && moreReviews == 0:
		return newSoFar, reviewsSoFar, RefusedRaise("Say how many more new cards or reviews to study today")
	case moreNew > MaxStudyMoreNew-newSoFar: // not a sum, which could overflow
		return newSoFar, reviewsSoFar, RefusedRaise(fmt.Sprintf("At most %d extra new cards a day (%d so far today)", MaxStudyMoreNew, newSoFar))
	case moreReviews > MaxStudyMoreReviews-reviewsSoFar:
		return newSoFar, reviewsSoFar, RefusedRaise(fmt.Sprintf("At most %d extra reviews a day (%d so far today)", MaxStudyMoreReviews, reviewsSoFar))
	}
	return newSoFar + moreNew, reviewsSoFar + moreReviews, nil
}
