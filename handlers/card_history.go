package handlers

import (
	"fmt"
	"math"
	"time"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs/words"
	"github.com/flashcards/flashcards/views"
)

// cardHistory is a card's reviews (oldest first, as the store gives them)
// for its edit page: listed newest first, and its interval and ease after
// each counted review drawn over time. Re-drills leave both alone.
func cardHistory(reviews []data.CardReview, total int, loc *time.Location) views.CardHistoryView {
	h := views.CardHistoryView{Total: total}
	var intervals, eases []int
	for i := len(reviews) - 1; i >= 0; i-- {
		r := reviews[i]
		h.Rows = append(h.Rows, views.HistoryRow{
			When:        r.At.In(loc).Format("2006-01-02 15:04"),
			Grade:       int(r.Grade),
			Redrill:     !r.Counted && !r.Practice,
			Practice:    r.Practice,
			Interval:    words.Count(r.IntervalAfter, "day", "days"),
			Ease:        easeText(r.EaseAfter),
			TypedAnswer: r.TypedAnswer,
			HasCoverage: r.HasCoverage,
			Covered:     r.Covered,
			Missed:      r.Missed,
		})
	}
	for _, r := range reviews {
		if r.Counted {
			intervals = append(intervals, r.IntervalAfter)
			eases = append(eases, r.EaseAfter)
		}
	}
	if len(intervals) >= 2 {
		h.HasChart = true
		h.Interval = views.NewHistoryChart("history-interval", "Interval after each review", intervals, 0,
			func(n int) string { return words.Count(n, "day", "days") })
		h.Ease = views.NewHistoryChart("history-ease", "Ease after each review", eases, math.MaxInt, easeText) // from the lowest
	}
	return h
}

// easeText writes an ease in hundredths as the number it is: 250 is 2.50.
func easeText(e int) string { return fmt.Sprintf("%d.%02d", e/100, e%100) }
