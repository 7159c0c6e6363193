package views

import (
	"fmt"
	"strings"

	"github.com/flashcards/flashcards/srs/words"
)

// CardHistoryView is a card's review history on its edit page.
type CardHistoryView struct {
	Rows     []HistoryRow // newest first
	Total    int          // the card's reviews in all; Rows may hold fewer
	Interval HistoryChart // after each counted review, oldest first
	Ease     HistoryChart
	HasChart bool // two counted reviews or more
}

// HistoryRow is one review of a card.
type HistoryRow struct {
	When        string // local date and time
	Grade       int
	Redrill     bool   // a re-drill: it left the schedule alone
	Practice    bool   // a practice grade: it left the schedule alone too
	Interval    string // after the review
	Ease        string
	TypedAnswer string
	HasCoverage bool
	Covered     []string
	Missed      []string
}

// HistoryChart is a line of one value over a card's counted reviews,
// drawn in a box of historyW by historyH that CSS stretches to the width
// at hand. It holds no text: the labels are HTML around it, so they keep
// their size on a phone, and Desc lists every value for screen readers.
type HistoryChart struct {
	ID     string
	Title  string
	Desc   string
	Points string // of the polyline
	Range  string // the lowest and highest value, in words
}

const (
	historyW = 600.0
	historyH = 100.0
	historyM = 6.0 // margin, so the line's ends and extremes are not cut
)

// NewHistoryChart lays out values (oldest first); floor is the bottom of
// the scale, or the lowest value when it is higher than all of them.
func NewHistoryChart(id, title string, values []int, floor int, format func(int) string) HistoryChart {
	c := HistoryChart{ID: id, Title: title}
	if len(values) == 0 {
		return c
	}
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	bottom := min(lo, floor)
	var pts, words []string
	for i, v := range values {
		x := historyM
		if len(values) > 1 {
			x += float64(i) / float64(len(values)-1) * (historyW - 2*historyM)
		}
		y := historyH / 2
		if hi > bottom {
			y = historyH - historyM - float64(v-bottom)/float64(hi-bottom)*(historyH-2*historyM)
		}
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		words = append(words, format(v))
	}
	c.Points = strings.Join(pts, " ")
	c.Desc = title + ", oldest first: " + strings.Join(words, ", ") + "."
	c.Range = "from " + format(lo) + " to " + format(hi)
	if lo == hi {
		c.Range = format(lo) + " throughout"
	}
	return c
}

// historySummary says how many reviews a card has and how many are listed.
func historySummary(shown, total int) string {
	s := words.Count(total, "review", "reviews")
	if shown < total {
		s += ", the latest " + itoa(shown) + " shown"
	}
	return s + "."
}

// coverageText says which key points a typed answer covered.
func coverageText(covered, missed []string) string {
	s := "Covered " + itoa(len(covered)) + " of " + words.Count(len(covered)+len(missed), "key point", "key points")
	if len(missed) > 0 {
		s += "; missed: " + joinComma(missed)
	}
	return s + "."
}
