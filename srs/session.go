package srs

import (
	"errors"
	"fmt"
)

// ErrNotUpForReview is returned when a card may not be graded now: it is not
// due yet, it is finished for today, or it is new and no new-card slot is
// free.
var ErrNotUpForReview = errors.New("srs: card is not up for review")

// redrillPass is the grade that takes a card out of the day's re-drill
// queue: SM-2 repeats items "that scored below four".
const redrillPass = 4

// Card is the scheduling part of one card, as a store keeps it in its row.
type Card struct {
	State State
	// Graded is false until the card's first counted grade. Due and
	// LastCounted mean nothing while it is false.
	Graded bool
	// Due is the first study day the card is up for its next counted grade.
	Due Day
	// LastCounted is the study day of the card's last counted grade.
	LastCounted Day
}

// Status says where a card stands on one study day.
type Status int

const (
	// StatusNotDue: the card is scheduled for a later day.
	StatusNotDue Status = iota
	// StatusNew: never graded; up for review only when a new-card slot is free.
	StatusNew
	// StatusDue: due today or overdue; its next grade is counted.
	StatusDue
	// StatusRedrill: counted today below 4 and not yet re-drilled at 4 or
	// more; its grades are logged but change nothing.
	StatusRedrill
	// StatusDone: counted today and not in the re-drill queue.
	StatusDone
)

var statusNames = [...]string{
	StatusNotDue:  "not due",
	StatusNew:     "new",
	StatusDue:     "due",
	StatusRedrill: "redrill",
	StatusDone:    "done",
}

// String is the status as the study page names it: "not due", "new", "due",
// "redrill" or "done".
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statusNames[s]
}

// StatusOf returns where c stands on study day today. gradesToday are the
// grades logged for the card on today, oldest first; when the card's last
// counted grade was today, the first of them is that counted grade. They are
// read only in that case, so grades logged under another day (say, before
// the user changed time zone) cannot put a card in re-drill.
//
// A card counted today with no grades logged is taken as done: without its
// grade there is no evidence it belongs in the re-drill queue.
func StatusOf(c Card, today Day, gradesToday []Grade) Status {
	switch {
	case !c.Graded:
		return StatusNew
	case c.LastCounted == today:
		// Each re-drill grade decides afresh, so the last one settles it.
		if n := len(gradesToday); n > 0 && gradesToday[n-1] < redrillPass {
			return StatusRedrill
		}
		return StatusDone
	case c.Due.After(today):
		return StatusNotDue
	default:
		return StatusDue
	}
}

// Outcome is what a store must record after a grade.
type Outcome struct {
	// Counted reports whether the grade went through Next. Only then has
	// Card changed and must be written back.
	Counted bool
	// Card is the card after the grade.
	Card Card
	// Redrill reports whether the card is in today's re-drill queue after
	// the grade.
	Redrill bool
}

// ApplyGrade applies grade g, given on study day today, to card c, following
// the SM-2 session rules. The first grade of the day is counted: it goes
// through Next and sets the due day. A counted grade below 4 puts the card in
// the day's re-drill queue; re-drill grades change nothing on the card, and
// one of 4 or more takes it out.
//
// c and gradesToday are as for StatusOf, as read in the same transaction that
// will store the outcome; gradesToday must not yet include g. newCardSlot
// says whether the user may start another new card today.
//
// It returns an error wrapping ErrInvalidGrade for a grade outside 0..5, and
// one wrapping ErrNotUpForReview when the card is not due, is done for today,
// or is new and newCardSlot is false.
func ApplyGrade(c Card, today Day, gradesToday []Grade, g Grade, newCardSlot bool) (Outcome, error) {
	if !g.Valid() {
		return Outcome{}, fmt.Errorf("%w: got %d", ErrInvalidGrade, int(g))
	}
	return applyAt(c, today, StatusOf(c, today, gradesToday), g, newCardSlot)
}

// applyAt is ApplyGrade for a card whose status today is known.
func applyAt(c Card, today Day, status Status, g Grade, newCardSlot bool) (Outcome, error) {
	switch status {
	case StatusNotDue:
		return Outcome{}, fmt.Errorf("%w: due %v", ErrNotUpForReview, c.Due)
	case StatusDone:
		return Outcome{}, fmt.Errorf("%w: done for %v", ErrNotUpForReview, today)
	case StatusNew:
		if !newCardSlot {
			return Outcome{}, fmt.Errorf("%w: no new-card slot left today", ErrNotUpForReview)
		}
	case StatusRedrill:
		return Outcome{Card: c, Redrill: g < redrillPass}, nil
	case StatusDue:
	default:
		return Outcome{}, fmt.Errorf("%w: %v", ErrNotUpForReview, status)
	}
	s, err := Next(c.State, g)
	if err != nil {
		return Outcome{}, err
	}
	next := Card{State: s, Graded: true, Due: Due(today, s), LastCounted: today}
	return Outcome{Counted: true, Card: next, Redrill: g < redrillPass}, nil
}

// Comeback is when a card comes back after one grade.
type Comeback struct {
	// Today: the card comes back later today, in the re-drill queue.
	Today bool
	// Days from today to the card's next counted review, after the
	// re-drill when Today is true.
	Days int
}

// Comebacks says, for each grade 0..5 (the index), when a card up for
// review with the given status today would come back after it, exactly as
// ApplyGrade would schedule it: a counted grade through Next, a re-drill
// grade leaving the due day as it is, and any grade below 4 back today.
// A status other than StatusNew, StatusDue or StatusRedrill gives an
// error wrapping ErrNotUpForReview.
func Comebacks(c Card, today Day, status Status) ([6]Comeback, error) {
	var out [6]Comeback
	for g := Grade(0); g <= 5; g++ {
		o, err := applyAt(c, today, status, g, true)
		if err != nil {
			return [6]Comeback{}, err
		}
		out[g] = Comeback{Today: o.Redrill, Days: o.Card.Due.Sub(today)}
	}
	return out, nil
}
