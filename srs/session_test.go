package srs_test

import (
	"errors"
	"testing"

	"github.com/flashcards/flashcards/srs"
)

func TestStatusOf(t *testing.T) {
	today := srs.DateOf(2024, 3, 10)
	known := srs.State{Repetitions: 3, Interval: 16, Ease: 246}
	graded := func(due, last srs.Day) srs.Card {
		return srs.Card{State: known, Graded: true, Due: due, LastCounted: last}
	}
	tests := []struct {
		name   string
		card   srs.Card
		grades []srs.Grade
		want   srs.Status
	}{
		{"never graded", srs.Card{State: srs.New()}, nil, srs.StatusNew},
		{"due today", graded(today, today.AddDays(-16)), nil, srs.StatusDue},
		{"overdue", graded(today.AddDays(-30), today.AddDays(-46)), nil, srs.StatusDue},
		{"due tomorrow", graded(today.AddDays(1), today.AddDays(-15)), nil, srs.StatusNotDue},
		{"counted today at 4", graded(today.AddDays(40), today), []srs.Grade{4}, srs.StatusDone},
		{"counted today at 3", graded(today.AddDays(1), today), []srs.Grade{3}, srs.StatusRedrill},
		{"counted today at 0", graded(today.AddDays(1), today), []srs.Grade{0}, srs.StatusRedrill},
		{"re-drilled at 3", graded(today.AddDays(1), today), []srs.Grade{1, 3}, srs.StatusRedrill},
		{"re-drilled at 5", graded(today.AddDays(1), today), []srs.Grade{1, 3, 5}, srs.StatusDone},
		{"counted today, no grades logged", graded(today.AddDays(1), today), nil, srs.StatusDone},
		// Grades logged today under another counted day do not make a re-drill.
		{"grades today but counted earlier", graded(today, today.AddDays(-1)), []srs.Grade{1}, srs.StatusDue},
		{"counted on a later day", graded(today.AddDays(1), today.AddDays(1)), nil, srs.StatusNotDue},
	}
	for _, tt := range tests {
		if got := srs.StatusOf(tt.card, today, tt.grades); got != tt.want {
			t.Errorf("%s: StatusOf = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestStatusString(t *testing.T) {
	want := map[srs.Status]string{
		srs.StatusNotDue:  "not due",
		srs.StatusNew:     "new",
		srs.StatusDue:     "due",
		srs.StatusRedrill: "redrill",
		srs.StatusDone:    "done",
		srs.Status(42):    "Status(42)",
	}
	for s, w := range want {
		if s.String() != w {
			t.Errorf("Status(%d).String() = %q, want %q", int(s), s.String(), w)
		}
	}
}

// day is one study day of a simulated user; grade applies g as a store would
// in one transaction: read the card and today's log, apply, write back.
type day struct {
	t     *testing.T
	today srs.Day
	card  *srs.Card
	log   []srs.Grade
}

func (d *day) grade(g srs.Grade) srs.Outcome {
	d.t.Helper()
	out, err := srs.ApplyGrade(*d.card, d.today, d.log, g, false)
	if err != nil {
		d.t.Fatalf("%v: grade %d: %v", d.today, g, err)
	}
	d.log = append(d.log, g)
	*d.card = out.Card
	return out
}

func TestRedrillSession(t *testing.T) {
	d1 := srs.DateOf(2024, 3, 10)
	card := srs.Card{
		State:       srs.State{Repetitions: 3, Interval: 16, Ease: 246},
		Graded:      true,
		Due:         d1,
		LastCounted: d1.AddDays(-16),
	}
	day1 := &day{t: t, today: d1, card: &card}

	// The first grade of the day is counted: a failure resets n and I.
	out := day1.grade(2)
	wantFailed := srs.Card{
		State:       srs.State{Repetitions: 0, Interval: 1, Ease: 214},
		Graded:      true,
		Due:         d1.AddDays(1),
		LastCounted: d1,
	}
	if !out.Counted || !out.Redrill || out.Card != wantFailed {
		t.Fatalf("counted fail: got %+v, want counted, in re-drill, card %+v", out, wantFailed)
	}

	// A re-drill at 3 is logged, changes nothing and keeps the card in the queue.
	out = day1.grade(3)
	if out.Counted || !out.Redrill || out.Card != wantFailed {
		t.Fatalf("re-drill at 3: got %+v, want not counted, still in re-drill, card unchanged", out)
	}
	if s := srs.StatusOf(card, d1, day1.log); s != srs.StatusRedrill {
		t.Fatalf("after re-drill at 3: status %v, want redrill", s)
	}

	// A re-drill at 4 takes it out of the queue, still changing nothing.
	out = day1.grade(4)
	if out.Counted || out.Redrill || out.Card != wantFailed {
		t.Fatalf("re-drill at 4: got %+v, want not counted, out of re-drill, card unchanged", out)
	}
	if s := srs.StatusOf(card, d1, day1.log); s != srs.StatusDone {
		t.Fatalf("after re-drill at 4: status %v, want done", s)
	}
	if _, err := srs.ApplyGrade(card, d1, day1.log, 5, true); !errors.Is(err, srs.ErrNotUpForReview) {
		t.Fatalf("grade after done: error %v, want ErrNotUpForReview", err)
	}

	// The next day the first grade is counted again, from the state the
	// counted failure left; the re-drills did not touch it.
	day2 := &day{t: t, today: d1.AddDays(1), card: &card}
	if s := srs.StatusOf(card, day2.today, nil); s != srs.StatusDue {
		t.Fatalf("next day: status %v, want due", s)
	}
	out = day2.grade(4)
	want := srs.Card{
		State:       srs.State{Repetitions: 1, Interval: 1, Ease: 214},
		Graded:      true,
		Due:         d1.AddDays(2),
		LastCounted: d1.AddDays(1),
	}
	if !out.Counted || out.Redrill || out.Card != want {
		t.Fatalf("next day at 4: got %+v, want counted, no re-drill, card %+v", out, want)
	}
}

func TestApplyGrade(t *testing.T) {
	today := srs.DateOf(2024, 3, 10)
	newCard := srs.Card{State: srs.New()}
	review := srs.Card{State: srs.State{Repetitions: 3, Interval: 16, Ease: 246}, Graded: true, Due: today.AddDays(-10), LastCounted: today.AddDays(-26)}
	tests := []struct {
		name    string
		card    srs.Card
		log     []srs.Grade
		g       srs.Grade
		slot    bool
		want    srs.Outcome
		wantErr error
	}{
		{"new card with a slot", newCard, nil, 5, true, srs.Outcome{
			Counted: true,
			Card:    srs.Card{State: srs.State{Repetitions: 1, Interval: 1, Ease: 260}, Graded: true, Due: today.AddDays(1), LastCounted: today},
		}, nil},
		{"new card passed at 3 is re-drilled", newCard, nil, 3, true, srs.Outcome{
			Counted: true,
			Card:    srs.Card{State: srs.State{Repetitions: 1, Interval: 1, Ease: 236}, Graded: true, Due: today.AddDays(1), LastCounted: today},
			Redrill: true,
		}, nil},
		{"new card without a slot", newCard, nil, 5, false, srs.Outcome{}, srs.ErrNotUpForReview},
		// Lateness is ignored: the interval grows from the scheduled one.
		{"overdue card", review, nil, 4, false, srs.Outcome{
			Counted: true,
			Card:    srs.Card{State: srs.State{Repetitions: 4, Interval: 40, Ease: 246}, Graded: true, Due: today.AddDays(40), LastCounted: today},
		}, nil},
		{"card due later", srs.Card{State: review.State, Graded: true, Due: today.AddDays(1), LastCounted: today.AddDays(-15)}, nil, 4, true, srs.Outcome{}, srs.ErrNotUpForReview},
		{"invalid grade", review, nil, 6, true, srs.Outcome{}, srs.ErrInvalidGrade},
		{"invalid grade on a card not up", srs.Card{Graded: true, Due: today.AddDays(5)}, nil, -1, true, srs.Outcome{}, srs.ErrInvalidGrade},
		{"invalid re-drill grade", srs.Card{State: review.State, Graded: true, Due: today.AddDays(1), LastCounted: today}, []srs.Grade{2}, 9, true, srs.Outcome{}, srs.ErrInvalidGrade},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := srs.ApplyGrade(tt.card, today, tt.log, tt.g, tt.slot)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestComebacks is what the grade buttons say: when the card comes back
// after each grade, from its state before the grade.
func TestComebacks(t *testing.T) {
	today := srs.DateOf(2024, 3, 10)
	due := func(n, interval, ease int) srs.Card {
		return srs.Card{State: srs.State{Repetitions: n, Interval: interval, Ease: ease}, Graded: true,
			Due: today, LastCounted: today.AddDays(-interval)}
	}
	again := func(days int) srs.Comeback { return srs.Comeback{Today: true, Days: days} }
	in := func(days int) srs.Comeback { return srs.Comeback{Days: days} }
	tests := []struct {
		name   string
		card   srs.Card
		status srs.Status
		want   [6]srs.Comeback
	}{
		// A new card: every grade sets 1 day; below 4 it is re-drilled first.
		{"new", srs.Card{State: srs.New()}, srs.StatusNew,
			[6]srs.Comeback{again(1), again(1), again(1), again(1), in(1), in(1)}},
		// Second success: 6 days; a 3 passes but is re-drilled today.
		{"due, one success", due(1, 1, 250), srs.StatusDue,
			[6]srs.Comeback{again(1), again(1), again(1), again(6), in(6), in(6)}},
		// Later: ceil(interval × ease before the grade), whatever the grade.
		{"due, 6 days at 2.70", due(2, 6, 270), srs.StatusDue,
			[6]srs.Comeback{again(1), again(1), again(1), again(17), in(17), in(17)}},
		{"due, 15 days at 1.30", due(3, 15, 130), srs.StatusDue,
			[6]srs.Comeback{again(1), again(1), again(1), again(20), in(20), in(20)}},
		{"overdue keeps its interval", srs.Card{State: srs.State{Repetitions: 2, Interval: 6, Ease: 250}, Graded: true,
			Due: today.AddDays(-10), LastCounted: today.AddDays(-16)}, srs.StatusDue,
			[6]srs.Comeback{again(1), again(1), again(1), again(15), in(15), in(15)}},
		{"capped", due(9, srs.MaxInterval, 250), srs.StatusDue,
			[6]srs.Comeback{again(1), again(1), again(1), again(srs.MaxInterval), in(srs.MaxInterval), in(srs.MaxInterval)}},
		// A re-drill changes nothing: the due day set this morning stands.
		{"re-drill", srs.Card{State: srs.State{Repetitions: 2, Interval: 15, Ease: 236}, Graded: true,
			Due: today.AddDays(15), LastCounted: today}, srs.StatusRedrill,
			[6]srs.Comeback{again(15), again(15), again(15), again(15), in(15), in(15)}},
	}
	for _, tt := range tests {
		got, err := srs.Comebacks(tt.card, today, tt.status)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s: Comebacks = %+v, want %+v", tt.name, got, tt.want)
		}
		// The same as grading: one rule, in ApplyGrade.
		var log []srs.Grade
		if tt.status == srs.StatusRedrill {
			log = []srs.Grade{2}
		}
		for g := srs.Grade(0); g <= 5; g++ {
			out, err := srs.ApplyGrade(tt.card, today, log, g, true)
			if err != nil || out.Redrill != got[g].Today || out.Card.Due.Sub(today) != got[g].Days {
				t.Errorf("%s: grade %d: Comebacks says %+v, ApplyGrade gives %+v, %v", tt.name, g, got[g], out, err)
			}
		}
	}
	for _, st := range []srs.Status{srs.StatusNotDue, srs.StatusDone, srs.Status(42)} {
		if _, err := srs.Comebacks(due(2, 6, 250), today, st); !errors.Is(err, srs.ErrNotUpForReview) {
			t.Errorf("status %v: err %v, want ErrNotUpForReview", st, err)
		}
	}
}
