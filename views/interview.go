package views

import (
	"fmt"

	"github.com/flashcards/flashcards/srs"
	"github.com/flashcards/flashcards/srs/words"
)

// InterviewView is the interview page: the date and how to prepare for it,
// and the readiness forecast.
type InterviewView struct {
	Error string
	// The form: the date as the date input holds it ("" for none), the
	// final pass's length, the pacing switch and the scope's checkboxes.
	Date       string
	MinDate    string // today: no earlier date is taken
	FinalDays  int
	NewOnTime  bool
	Categories []ScopeOption
	// Where the interview stands.
	HasDate, Ahead, Passed bool
	DateText               string // "Sunday 20 December 2026"
	Countdown              string // CountdownText
	FinalPassNote          string // what the final pass is doing now, "" before it
	// The forecast.
	Recall      HBarChart // two bars per category: today, and on the day
	Rows        []ReadinessRow
	PlanReviews VBarChart
	PlanNew     VBarChart
	PlanSummary string
}

// ScopeOption is one category's checkbox.
type ScopeOption struct {
	Slug, Name string
	Checked    bool
}

// ReadinessRow is one category's line of the forecast table.
type ReadinessRow struct {
	Name       string
	InScope    bool
	Cards      int
	NotStarted int
	RecallNow  string // "72%", "–" when not started
	OnTheDay   string
}

// LongDate writes a day as "Sunday 20 December 2026".
func LongDate(d srs.Day) string {
	y, m, dd := d.Date()
	return fmt.Sprintf("%s %d %s %d", weekdayOf(d), dd, m, y)
}

// ShortDate writes a day as "Dec 16".
func ShortDate(d srs.Day) string {
	_, m, dd := d.Date()
	return fmt.Sprintf("%s %d", m.String()[:3], dd)
}

func weekdayOf(d srs.Day) string {
	// 1970-01-01 was a Thursday.
	names := [7]string{"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"}
	return names[((int(d)%7)+7)%7]
}

// CountdownText is the dashboard's and the interview page's line about
// the interview: "Interview in 12 days — final pass from Dec 16".
func CountdownText(iv srs.Interview, today srs.Day) string {
	left, from := iv.DaysLeft(today), iv.FinalPassFrom()
	switch {
	case left < 0:
		return fmt.Sprintf("Your interview on %s has passed", ShortDate(iv.Day))
	case left == 0:
		return "Interview today. Good luck!"
	case left == 1 && !today.Before(from):
		return "Interview tomorrow — final pass under way"
	case !today.Before(from):
		return fmt.Sprintf("Interview in %d days — final pass under way since %s", left, ShortDate(from))
	}
	return fmt.Sprintf("Interview in %s — final pass from %s", words.Count(left, "day", "days"), ShortDate(from))
}
