package srs

// Interview mode: the rules that plan a user's study days around an
// interview date D. SM-2 stays the scheduler; these rules only decide which
// cards come first, how many new cards a day needs so every card of the
// interview's scope is introduced in time, and which cards the final pass
// (days D-K to D-1) shows once more as practice. docs/scheduling.md states
// them in words.

// Bounds of the final pass's length K, in days, and its default.
const (
	MinFinalDays     = 1
	MaxFinalDays     = 14
	DefaultFinalDays = 3
)

// ClampFinalDays brings k into MinFinalDays..MaxFinalDays.
func ClampFinalDays(k int) int { return min(max(k, MinFinalDays), MaxFinalDays) }

// Interview is a user's interview date and how to prepare for it.
type Interview struct {
	// Day is the interview's date D, as a study day.
	Day Day
	// FinalDays is K: the final pass runs on days D-K .. D-1. Clamped to
	// MinFinalDays..MaxFinalDays where used.
	FinalDays int
	// NewOnTime turns on the new-card pacing: every in-scope new card is
	// introduced before day D-K.
	NewOnTime bool
}

// FinalPassFrom is D-K, the first day of the final pass.
func (iv Interview) FinalPassFrom() Day { return iv.Day.AddDays(-ClampFinalDays(iv.FinalDays)) }

// Ahead reports whether the interview is still to come on study day today.
// From D on, scheduling is plain SM-2 again.
func (iv Interview) Ahead(today Day) bool { return today.Before(iv.Day) }

// DaysLeft is the number of study days from today until D: 0 on D itself,
// negative once it has passed.
func (iv Interview) DaysLeft(today Day) int { return iv.Day.Sub(today) }

// InFinalPass reports whether today is one of the final pass's days,
// D-K .. D-1.
func (iv Interview) InFinalPass(today Day) bool {
	return iv.Ahead(today) && !today.Before(iv.FinalPassFrom())
}

// CeilDiv is a/b rounded up, for a >= 0 and b > 0; 0 for b <= 0.
func CeilDiv(a, b int) int {
	if b <= 0 || a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}

// NewAllowance is how many of the interview's new cards today must
// introduce at least, so that every one is introduced before D-K:
// ceil(newCards / days left before D-K). newCards are the in-scope new
// cards at the start of today (those introduced today count). From D-K on,
// all of them are late, and the allowance is all of them. It is 0 when the
// pacing is off or the interview is not ahead.
func NewAllowance(iv Interview, today Day, newCards int) int {
	if !iv.NewOnTime || !iv.Ahead(today) || newCards <= 0 {
		return 0
	}
	days := iv.FinalPassFrom().Sub(today)
	if days <= 0 {
		return newCards
	}
	return CeilDiv(newCards, days)
}

// InScopeNewLeft is how many more in-scope new cards may be introduced
// today: the day's ordinary new-card slots, or what is left of the
// interview's allowance, whichever is more. newDone counts every new card
// introduced today, inScopeDone those of the interview's scope.
func InScopeNewLeft(newPerDay, newDone, allowance, inScopeDone int) int {
	return max(0, newPerDay-newDone, allowance-inScopeDone)
}

// InFinalPassSet reports whether a card is one the final pass shows on
// study day today: the interview is ahead, today is in the final pass, the
// card is in the interview's scope and was graded by SM-2 at least once,
// and its last review (of any kind) was before D-K. Reviewed once on or
// after D-K, a card leaves the set: the final pass shows each card once.
func InFinalPassSet(iv Interview, today Day, inScope, graded bool, lastReview Day, reviewed bool) bool {
	return iv.InFinalPass(today) && inScope && graded && reviewed && lastReview.Before(iv.FinalPassFrom())
}

// PlanCard is one card as the plan sees it. Suspended cards and cards in
// the trash are left out by the caller.
type PlanCard struct {
	InScope bool
	// Sched is the card's SM-2 state; a card with Graded false is new.
	// Only State, Graded and Due are read.
	Sched Card
	// LastReview is the study day of its last review of any kind;
	// meaningful when Reviewed.
	LastReview Day
	Reviewed   bool
}

// PlanDay is one study day of the plan.
type PlanDay struct {
	Day Day
	// New is the number of new cards expected to be introduced.
	New int
	// Reviews is the number of reviews expected: SM-2's due cards (within
	// the daily review limit) and the final pass's cards.
	Reviews int
	// FinalPass is how many of Reviews are the final pass's.
	FinalPass int
}

// PlanLimits are the user's daily limits the plan keeps to.
type PlanLimits struct {
	NewPerDay, ReviewsPerDay int
	// NewDoneToday, ReviewsDoneToday and InScopeNewToday are today's grades
	// so far, so the plan's first day says what is left of it.
	NewDoneToday, ReviewsDoneToday, InScopeNewToday int
}

// MaxPlanDays bounds the plan's length: an interview years away gets a
// plan of its first MaxPlanDays days.
const MaxPlanDays = 366

// planGrade is the grade the plan assumes every review gets: Good.
const planGrade Grade = 4

// Plan is the expected work of each study day from today until the day
// before the interview (at most MaxPlanDays days). It follows the queue's
// rules day by day: due cards from their natural SM-2 due dates within the
// review limit (overflow waits for the next day), new cards within the
// new-card limit raised by NewAllowance for the in-scope ones, and the
// final pass on days D-K .. D-1, spread evenly over the days left of it.
// Each review is assumed to be graded Good (4), which sets its next due
// day. Cards reviewed by SM-2 on or after D-K leave the final pass. It
// returns nil when the interview is not ahead.
func Plan(cards []PlanCard, today Day, iv Interview, lim PlanLimits) []PlanDay {
	if !iv.Ahead(today) {
		return nil
	}
	n := min(iv.DaysLeft(today), MaxPlanDays)
	plan := make([]PlanDay, n)
	// due[i] lists the cards due on plan day i; overdue cards are due today.
	due := make([][]int32, n)
	type state struct {
		sched      Card
		lastReview Day
		reviewed   bool
	}
	st := make([]state, len(cards))
	var newIn, newOut []int32
	for i, c := range cards {
		st[i] = state{c.Sched, c.LastReview, c.Reviewed}
		switch {
		case !c.Sched.Graded && c.InScope:
			newIn = append(newIn, int32(i))
		case !c.Sched.Graded:
			newOut = append(newOut, int32(i))
		default:
			// A card counted today is due after today: no case of its own.
			if k := max(c.Sched.Due.Sub(today), 0); k < n {
				due[k] = append(due[k], int32(i))
			}
		}
	}
	// review applies a Good grade on day d to card i.
	review := func(i int32, d Day, k int) {
		s := &st[i]
		next, _ := Next(s.sched.State, planGrade)
		s.sched = Card{State: next, Graded: true, Due: Due(d, next), LastCounted: d}
		s.lastReview, s.reviewed = d, true
		if j := k + max(next.Interval, 1); j < n {
			due[j] = append(due[j], i)
		}
	}
	from := iv.FinalPassFrom()
	var final []int32 // the final pass's cards not yet shown
	finalBuilt := false
	for k := range n {
		d := today.AddDays(k)
		p := &plan[k]
		p.Day = d
		newDone, reviewsDone, inScopeDone := 0, 0, 0
		if k == 0 {
			newDone, reviewsDone, inScopeDone = lim.NewDoneToday, lim.ReviewsDoneToday, lim.InScopeNewToday
		}
		// SM-2's reviews: in-scope cards first, overflow to tomorrow.
		todays := due[k]
		due[k] = nil
		left := max(0, lim.ReviewsPerDay-reviewsDone)
		ordered := make([]int32, 0, len(todays))
		for _, i := range todays {
			if cards[i].InScope {
				ordered = append(ordered, i)
			}
		}
		for _, i := range todays {
			if !cards[i].InScope {
				ordered = append(ordered, i)
			}
		}
		for j, i := range ordered {
			if j >= left {
				if k+1 < n {
					due[k+1] = append(due[k+1], ordered[j:]...)
				}
				break
			}
			review(i, d, k)
			p.Reviews++
		}
		// New cards: the interview's first, as many as the allowance asks.
		allowance := NewAllowance(iv, d, len(newIn)+inScopeDone)
		in := min(len(newIn), InScopeNewLeft(lim.NewPerDay, newDone, allowance, inScopeDone))
		for _, i := range newIn[:in] {
			review(i, d, k)
		}
		newIn = newIn[in:]
		out := min(len(newOut), max(0, lim.NewPerDay-newDone-in))
		for _, i := range newOut[:out] {
			review(i, d, k)
		}
		newOut = newOut[out:]
		p.New = in + out
		// The final pass: built on its first day, then spread evenly.
		if !iv.InFinalPass(d) {
			continue
		}
		if !finalBuilt {
			finalBuilt = true
			for i, c := range cards {
				s := st[i]
				if c.InScope && s.sched.Graded && s.reviewed && s.lastReview.Before(from) {
					final = append(final, int32(i))
				}
			}
		}
		// Cards SM-2 reviewed on or after D-K have had their pass.
		kept := final[:0]
		for _, i := range final {
			if st[i].lastReview.Before(from) {
				kept = append(kept, i)
			}
		}
		final = kept
		shown := CeilDiv(len(final), iv.Day.Sub(d))
		for _, i := range final[:shown] {
			st[i].lastReview = d // a practice grade: SM-2's state is untouched
		}
		final = final[shown:]
		p.FinalPass = shown
		p.Reviews += shown
	}
	return plan
}

// RecallAt is the predicted recall of a reviewed card on study day day,
// 0 to 1, if it is not reviewed again: FSRS's forgetting curve from its
// last review.
func RecallAt(day, lastReview Day, stability float64) float64 {
	return Recall(max(day.Sub(lastReview), 0), stability)
}
