package anki

import (
	"time"

	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/srs"
)

// This file maps Anki's scheduling and review log onto this server's
// SM-2 state and review rows (docs/anki.md has the tables).

var (
	// minDay is the earliest day an imported review or due date may have.
	minDay = srs.DateOf(1990, time.January, 1)
)

const (
	// maxEase and maxCount bound an imported ease and lapse count.
	maxEase  = 100_000
	maxCount = 1_000_000
)

// State is a card's scheduling state in this server's terms.
type State struct {
	Graded      bool
	Repetitions int
	Interval    int
	Ease        int
	Due         srs.Day
	Lapses      int
	LastDay     srs.Day
	HasLastDay  bool
	Suspended   bool
}

// Sched is the state as srs reads it.
func (st State) Sched() srs.Card {
	return srs.Card{State: srs.State{Repetitions: st.Repetitions, Interval: st.Interval, Ease: st.Ease},
		Graded: st.Graded, Due: st.Due, LastCounted: st.LastDay}
}

// newState is a card never graded.
var newState = State{Ease: 250}

// Calendar is how an import reads Anki's days and times: the user's zone
// and rollover hour, the time now, and the study days of today and of the
// collection's creation, from which Anki counts due days.
type Calendar struct {
	Loc      *time.Location
	Rollover int
	Now      time.Time
	Today    srs.Day
	Created  srs.Day
}

// Calendar is the collection's calendar for a user of zone loc and
// rollover hour at now. Anki's day numbers count from the study day the
// collection was made, by its own rollover hour; the zone is the user's,
// the best guess.
func (c *Collection) Calendar(loc *time.Location, rollover int, now time.Time) Calendar {
	return Calendar{Loc: loc, Rollover: rollover, Now: now,
		Today:   srs.StudyDay(now, loc, rollover),
		Created: srs.StudyDay(time.Unix(c.Created, 0), loc, c.Rollover)}
}

// Schedule is an Anki card's state and review history here: History of
// its revlog revs, and CardState as of its last counted review. A card
// Anki reset to new keeps its answers in the history, uncounted, so that
// the card reads as new under them, as the store would have logged them,
// and the account's export restores without contradiction.
func Schedule(k Card, revs []Review, cal Calendar) (State, []HistoryRow) {
	history := History(revs, cal.Loc, cal.Rollover, cal.Now)
	var last srs.Day
	hasLast := false
	for _, h := range history {
		if h.Counted {
			last, hasLast = h.Day, true
		}
	}
	state := CardState(k, cal.Created, cal.Today, last, hasLast)
	if !state.Graded {
		for i := range history {
			history[i].Counted = false
			history[i].Before, history[i].After = newState, newState
		}
	}
	return state, history
}

// easeOf turns Anki's factor (permille) into the ease in hundredths.
func easeOf(factor int) int {
	if factor <= 0 {
		return 250
	}
	return min(max(factor/10, 130), maxEase)
}

// repetitions derives SM-2's run of passes from an interval: SM-2
// reaches 1 day after one pass and 6 after two.
func repetitions(interval int) int {
	if interval < 6 {
		return 1
	}
	return 2
}

// CardState maps an Anki card's scheduling (docs/anki.md has the table).
// created is the study day of the collection's creation, today the user's.
// last is the study day of the card's last imported review, if any.
func CardState(k Card, created, today srs.Day, last srs.Day, hasLast bool) State {
	st := State{Ease: 250, Lapses: min(max(k.Lapses, 0), maxCount), Suspended: k.Queue == -1,
		LastDay: last, HasLastDay: hasLast}
	switch k.Type {
	case 2: // review
		st.Graded = true
		st.Interval = min(max(k.Ivl, 1), srs.MaxInterval)
		st.Repetitions = repetitions(st.Interval)
		st.Ease = easeOf(k.Factor)
		due := k.Due
		if k.Odid != 0 && k.Odue != 0 {
			due = k.Odue // in a filtered deck: its own due day is kept here
		}
		st.Due = clampDay(created, due, today)
	case 1, 3: // learning, relearning: back today, or tomorrow if answered today
		st.Graded = true
		st.Interval = 1
		st.Ease = easeOf(k.Factor)
		st.Due = today
		if hasLast && last >= today {
			st.Due = today + 1
		}
	default: // new, or a type this importer does not know
		st.LastDay, st.HasLastDay = 0, false
	}
	return st
}

// clampDay adds Anki's day number to the creation day, within the
// range of days the store keeps.
func clampDay(created srs.Day, days int64, today srs.Day) srs.Day {
	lo, hi := int64(minDay), int64(today)+srs.MaxInterval
	return srs.Day(min(max(int64(created)+min(max(days, -1e6), 1e6), lo), hi))
}

// Grade maps Anki's answer buttons (a revlog's ease) onto SM-2 grades:
// Again 1 (wrong), Hard 3, Good 4, Easy 5; false for no answer.
func Grade(ease int) (srs.Grade, bool) {
	switch ease {
	case 1:
		return 1, true
	case 2:
		return 3, true
	case 3:
		return 4, true
	case 4:
		return 5, true
	}
	return 0, false
}

// HistoryRow is one review as the reviews table holds it.
type HistoryRow struct {
	At            time.Time
	Day           srs.Day
	Grade         srs.Grade
	Counted       bool
	AnswerMS      int
	Before, After State
}

// History turns one card's revlog into review rows. Each row's state
// before is the previous row's after, so the mastery credit adds up; the
// first starts from lastIvl (new when 0). Rows that are no answer (manual
// rescheduling, ease 0) or have an impossible time are left out; answers
// in a filtered deck without rescheduling (type 3) are logged uncounted,
// as this server logs re-drills.
func History(revs []Review, loc *time.Location, rollover int, now time.Time) []HistoryRow {
	var rows []HistoryRow
	earliest := srs.DayStart(minDay, time.UTC, 0)
	latest := now.Add(24 * time.Hour)
	var prev *State
	for _, r := range revs {
		g, ok := Grade(r.Ease)
		at := time.UnixMilli(r.ID).UTC()
		if !ok || at.Before(earliest) || at.After(latest) {
			continue
		}
		day := srs.StudyDay(at, loc, rollover)
		var before State
		switch {
		case prev != nil:
			before = *prev
		case r.LastIvl != 0:
			iv := revlogDays(r.LastIvl)
			before = State{Graded: true, Interval: iv, Repetitions: repetitions(iv), Ease: easeOf(r.Factor), Due: day}
		default:
			before = newState
		}
		row := HistoryRow{At: at, Day: day, Grade: g, Counted: r.Type != 3,
			AnswerMS: int(min(max(r.TimeMS, 0), draft.MaxAnswerMS)), Before: before, After: before}
		if row.Counted {
			after := State{Graded: true, Interval: revlogDays(r.Ivl), Lapses: before.Lapses,
				LastDay: day, HasLastDay: true}
			after.Ease = before.Ease
			if r.Factor > 0 {
				after.Ease = easeOf(r.Factor)
			}
			switch {
			case !g.Passed():
				after.Repetitions = 0
			case r.Ivl <= 0: // still in learning steps
				after.Repetitions = 0
			default:
				after.Repetitions = repetitions(after.Interval)
			}
			if r.Ease == 1 && r.Type == 1 {
				after.Lapses = min(after.Lapses+1, maxCount)
			}
			after.Due = day + srs.Day(after.Interval)
			row.After = after
			prev = &row.After
		}
		rows = append(rows, row)
	}
	return rows
}

// revlogDays reads a revlog interval: days when positive, seconds of a
// learning step when negative, which this server keeps as 1 day.
func revlogDays(ivl int) int {
	if ivl <= 0 {
		return 1
	}
	return min(ivl, srs.MaxInterval)
}
