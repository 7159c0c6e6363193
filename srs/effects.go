package srs

// PassGrade is the lowest passing grade (Grade.Passed). Stores that count
// passes in SQL receive it as a parameter.
const PassGrade Grade = 3

// RedrillMark is what one logged grade does to its card's place in the
// day's re-drill queue.
type RedrillMark int

const (
	// RedrillKeep leaves the re-drill queue as it was: a practice grade is
	// outside the schedule.
	RedrillKeep RedrillMark = iota
	// RedrillOff takes the card out of the re-drill queue (or keeps it out).
	RedrillOff
	// RedrillOn puts the card in the re-drill queue of the grade's day.
	RedrillOn
)

// Effects is what one logged grade adds to a store's running tallies,
// beside the card's new state: the day's counts of new cards and reviews
// (the daily limits), the card's re-drill mark and the change of its
// mastery credit (the mastery trend). A store writes these values with
// the grade and sums them; it never works them out again.
type Effects struct {
	NewCard     bool // a counted grade of a card never graded before
	Review      bool // a counted grade of a card graded before
	Redrill     RedrillMark
	CreditDelta int // MasteryCredit(after) - MasteryCredit(before)
}

// EffectsOf gives the effects of grade g, logged with the card's state
// before and after it. counted says whether it was the day's counted
// grade (Outcome.Counted); practice marks a grade outside the schedule,
// which changes no state and touches neither counts nor the re-drill
// queue.
func EffectsOf(before, after Card, g Grade, counted, practice bool) Effects {
	e := Effects{CreditDelta: MasteryCredit(after) - MasteryCredit(before)}
	if practice {
		return e
	}
	e.NewCard = counted && !before.Graded
	e.Review = counted && before.Graded
	e.Redrill = RedrillOff
	if g < redrillPass {
		e.Redrill = RedrillOn
	}
	return e
}
