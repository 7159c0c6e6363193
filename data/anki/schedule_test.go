package anki

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/internal/testkit/ankitest"
	"github.com/flashcards/flashcards/srs"
)

func TestCardState(t *testing.T) {
	created, today := srs.DateOf(2026, 1, 1), srs.DateOf(2026, 3, 10)
	last := srs.DateOf(2026, 3, 1)
	for _, tc := range []struct {
		name    string
		card    Card
		hasLast bool
		want    State
	}{
		{"new", Card{Type: 0, Queue: 0, Due: 7, Factor: 0}, true, State{Ease: 250}},
		{"review", Card{Type: 2, Queue: 2, Due: 70, Ivl: 10, Factor: 2300, Lapses: 1}, true,
			State{Graded: true, Repetitions: 2, Interval: 10, Ease: 230, Due: created + 70, Lapses: 1, LastDay: last, HasLastDay: true}},
		{"review, short interval", Card{Type: 2, Due: 60, Ivl: 3, Factor: 2500}, false,
			State{Graded: true, Repetitions: 1, Interval: 3, Ease: 250, Due: created + 60}},
		{"in a filtered deck: its own due day", Card{Type: 2, Due: 5, Odue: 95, Odid: 1, Ivl: 40, Factor: 2650}, false,
			State{Graded: true, Repetitions: 2, Interval: 40, Ease: 265, Due: created + 95}},
		{"suspended, ease at least 130", Card{Type: 2, Queue: -1, Due: 90, Ivl: 20, Factor: 1200, Lapses: 3}, false,
			State{Graded: true, Repetitions: 2, Interval: 20, Ease: 130, Due: created + 90, Lapses: 3, Suspended: true}},
		{"buried: its type decides", Card{Type: 0, Queue: -2}, false, State{Ease: 250}},
		{"learning, not answered today", Card{Type: 1, Queue: 1, Factor: 2500}, true,
			State{Graded: true, Interval: 1, Ease: 250, Due: today, LastDay: last, HasLastDay: true}},
		{"interval, ease and lapses bounded", Card{Type: 2, Due: 1 << 40, Ivl: 1 << 30, Factor: 1 << 30, Lapses: 1 << 30}, false,
			State{Graded: true, Repetitions: 2, Interval: srs.MaxInterval, Ease: 100_000, Due: today + srs.MaxInterval, Lapses: 1_000_000}},
		{"due before 1990", Card{Type: 2, Due: -1 << 40, Ivl: 0, Factor: 0}, false,
			State{Graded: true, Repetitions: 1, Interval: 1, Ease: 250, Due: srs.DateOf(1990, 1, 1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var l srs.Day // the day of the last review, when there is one
			if tc.hasLast {
				l = last
			}
			if got := CardState(tc.card, created, today, l, tc.hasLast); got != tc.want {
				t.Errorf("CardState =\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}
	// Relearning, answered today: back tomorrow, as in Anki.
	if got := CardState(Card{Type: 3, Factor: 2000}, created, today, today, true); got.Due != today+1 || got.Interval != 1 || got.Ease != 200 {
		t.Errorf("relearning answered today: %+v", got)
	}
}

func TestGrade(t *testing.T) {
	for ease, want := range map[int]string{0: "0 false", 1: "1 true", 2: "3 true", 3: "4 true", 4: "5 true", 5: "0 false", -1: "0 false"} {
		g, ok := Grade(ease)
		if got := fmt.Sprint(g, " ", ok); got != want {
			t.Errorf("Grade(%d) = %s; want %s", ease, got, want)
		}
	}
}

// row is a history row in brief: when, grade, counted, answer time, and
// the interval, ease, repetitions and lapses before and after.
func row(h HistoryRow) string {
	return fmt.Sprintf("%s %s %d %v %d %d/%d/%d/%d->%d/%d/%d/%d", h.At.Format("2006-01-02T15:04"), h.Day, h.Grade, h.Counted, h.AnswerMS,
		h.Before.Interval, h.Before.Ease, h.Before.Repetitions, h.Before.Lapses, h.After.Interval, h.After.Ease, h.After.Repetitions, h.After.Lapses)
}

func TestHistory(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	revs := []Review{
		{ID: ankitest.Millis(1989, 12, 31, 9, 0), Ease: 3, Ivl: 1, Type: 0}, // before 1990: left out
		{ID: ankitest.Millis(2026, 1, 5, 10, 0), Ease: 3, Ivl: -600, LastIvl: 0, TimeMS: 8000, Type: 0},
		{ID: ankitest.Millis(2026, 1, 5, 10, 10), Ease: 3, Ivl: 1, LastIvl: -600, Factor: 2500, TimeMS: 6000, Type: 0},
		{ID: ankitest.Millis(2026, 1, 6, 9, 0), Ease: 3, Ivl: 4, LastIvl: 1, Factor: 2500, TimeMS: 5000, Type: 1},
		{ID: ankitest.Millis(2026, 1, 10, 9, 0), Ease: 1, Ivl: 1, LastIvl: 4, Factor: 2300, TimeMS: 20000, Type: 1},
		{ID: ankitest.Millis(2026, 1, 11, 9, 0), Ease: 4, Ivl: 10, LastIvl: 1, Factor: 2300, TimeMS: 700000, Type: 2},
		{ID: ankitest.Millis(2026, 1, 12, 9, 0), Ease: 0, Ivl: 10, LastIvl: 10, Factor: 2300, Type: 4}, // rescheduled: left out
		{ID: ankitest.Millis(2026, 1, 13, 9, 0), Ease: 2, Ivl: 10, LastIvl: 10, Factor: 2300, TimeMS: -5, Type: 3},
		{ID: ankitest.Millis(2026, 3, 12, 9, 0), Ease: 3, Ivl: 20, Type: 1}, // two days ahead: left out
	}
	got := History(revs, time.UTC, 4, now)
	var rows []string
	for _, h := range got {
		rows = append(rows, row(h))
	}
	want := []string{
		"2026-01-05T10:00 2026-01-05 4 true 8000 0/250/0/0->1/250/0/0",
		"2026-01-05T10:10 2026-01-05 4 true 6000 1/250/0/0->1/250/1/0",
		"2026-01-06T09:00 2026-01-06 4 true 5000 1/250/1/0->4/250/1/0",
		"2026-01-10T09:00 2026-01-10 1 true 20000 4/250/1/0->1/230/0/1",
		"2026-01-11T09:00 2026-01-11 5 true 600000 1/230/0/1->10/230/2/1",
		"2026-01-13T09:00 2026-01-13 3 false 0 10/230/2/1->10/230/2/1",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	if h := got[4]; !h.After.Graded || h.After.Due != h.Day+10 || !h.After.HasLastDay || h.After.LastDay != h.Day {
		t.Errorf("after a review: %+v", h.After)
	}

	// The first imported review starts from Anki's interval before it.
	first := History([]Review{{ID: ankitest.Millis(2026, 2, 27, 9, 0), Ease: 2, Ivl: 3, LastIvl: 7, Factor: 2500, Type: 1}}, time.UTC, 4, now)
	if len(first) != 1 || row(first[0]) != "2026-02-27T09:00 2026-02-27 3 true 0 7/250/2/0->3/250/1/0" || !first[0].Before.Graded {
		t.Errorf("first review from lastIvl: %+v", first)
	}
	// The study day follows the user's zone and rollover hour.
	late := History([]Review{{ID: ankitest.Millis(2026, 2, 27, 3, 0), Ease: 3, Ivl: 1, Type: 0}}, time.UTC, 4, now)
	if len(late) != 1 || late[0].Day != srs.DateOf(2026, 2, 26) {
		t.Errorf("a review at 03:00 with rollover 4: %+v", late)
	}
}

// A card Anki reset to new keeps its log, uncounted, the card new under it.
func TestScheduleResetToNew(t *testing.T) {
	col := &Collection{Created: time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC).Unix(), Rollover: 4}
	cal := col.Calendar(time.UTC, 4, time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	if cal.Created != srs.DateOf(2026, 1, 1) || cal.Today != srs.DateOf(2026, 3, 10) {
		t.Fatalf("calendar %+v", cal)
	}
	revs := []Review{{ID: ankitest.Millis(2026, 1, 5, 10, 0), Ease: 3, Ivl: 4, LastIvl: 1, Factor: 2500, Type: 1}}
	state, history := Schedule(Card{Type: 0}, revs, cal)
	if state.Graded || state.HasLastDay || len(history) != 1 || history[0].Counted ||
		history[0].Before != (State{Ease: 250}) || history[0].After != (State{Ease: 250}) {
		t.Errorf("reset card: %+v %+v", state, history)
	}
	// Graded, the last counted review gives its last day.
	state, history = Schedule(Card{Type: 2, Due: 10, Ivl: 4, Factor: 2500}, revs, cal)
	if !state.Graded || !state.HasLastDay || state.LastDay != srs.DateOf(2026, 1, 5) || state.Due != cal.Created+10 || !history[0].Counted {
		t.Errorf("review card: %+v %+v", state, history)
	}
}

// A collection created before its rollover hour starts the day before.
func TestCalendarCreatedByRollover(t *testing.T) {
	col := &Collection{Created: time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC).Unix(), Rollover: 4}
	if got := col.Calendar(time.UTC, 0, time.Now()).Created; got != srs.DateOf(2025, 12, 31) {
		t.Errorf("created %s; want 2025-12-31", got)
	}
}
