package srs_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/flashcards/flashcards/srs"
)

// mustNext applies grades in order and returns every intermediate state.
func mustNext(t *testing.T, s srs.State, grades ...srs.Grade) []srs.State {
	t.Helper()
	var out []srs.State
	for _, g := range grades {
		var err error
		s, err = srs.Next(s, g)
		if err != nil {
			t.Fatalf("Next(%+v, %d): %v", s, g, err)
		}
		out = append(out, s)
	}
	return out
}

func TestNewState(t *testing.T) {
	if got, want := srs.New(), (srs.State{Repetitions: 0, Interval: 0, Ease: 250}); got != want {
		t.Errorf("New() = %+v, want %+v", got, want)
	}
}

// The sequence worked by hand from the SM-2 rules:
//
//	5 from New: n=0 so I=1; EF 2.50+0.10 = 2.60
//	4:          n=1 so I=6; EF 2.60+0.00 = 2.60
//	3:          I = ceil(6×2.60) = ceil(15.6) = 16; EF 2.60-0.14 = 2.46
//	2:          fail: n=0, I=1; EF 2.46-0.32 = 2.14
func TestNextHandWorkedSequence(t *testing.T) {
	got := mustNext(t, srs.New(), 5, 4, 3, 2)
	want := []srs.State{
		{Repetitions: 1, Interval: 1, Ease: 260},
		{Repetitions: 2, Interval: 6, Ease: 260},
		{Repetitions: 3, Interval: 16, Ease: 246},
		{Repetitions: 0, Interval: 1, Ease: 214},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("after grade %d: got %+v, want %+v", i+1, got[i], want[i])
		}
	}
}

// SM-2 says to round a fractional interval up; rounding to nearest (as
// Math.round does in the npm supermemo package) schedules a day early.
func TestNextRoundsUpNotToNearest(t *testing.T) {
	tests := []struct {
		grades []srs.Grade
		want   int
	}{
		{[]srs.Grade{5, 5, 5}, 17}, // ceil(6 × 2.70) = ceil(16.2); nearest would be 16
		{[]srs.Grade{3, 3, 3}, 14}, // ceil(6 × 2.22) = ceil(13.32); nearest would be 13
		{[]srs.Grade{4, 4, 4}, 15}, // 6 × 2.50 is whole: no rounding
		// 9 × 1.50 = 13.5. The npm package gets 13: its float E-Factor is
		// 1.4999999999999998 by then.
		{[]srs.Grade{2, 1, 3, 4, 4, 4}, 14},
	}
	for _, tt := range tests {
		got := mustNext(t, srs.New(), tt.grades...)
		if last := got[len(got)-1].Interval; last != tt.want {
			t.Errorf("grades %v: interval %d, want %d", tt.grades, last, tt.want)
		}
	}
}

func TestNextSingleSteps(t *testing.T) {
	tests := []struct {
		name string
		from srs.State
		g    srs.Grade
		want srs.State
	}{
		{"blackout from new", srs.New(), 0, srs.State{Repetitions: 0, Interval: 1, Ease: 170}},
		{"grade 1 from new", srs.New(), 1, srs.State{Repetitions: 0, Interval: 1, Ease: 196}},
		{"grade 2 from new", srs.New(), 2, srs.State{Repetitions: 0, Interval: 1, Ease: 218}},
		{"grade 3 from new", srs.New(), 3, srs.State{Repetitions: 1, Interval: 1, Ease: 236}},
		{"grade 4 from new", srs.New(), 4, srs.State{Repetitions: 1, Interval: 1, Ease: 250}},
		// The interval uses the ease from before this grade: 10 × 2.50, not 10 × 2.36.
		{"interval uses old ease", srs.State{Repetitions: 3, Interval: 10, Ease: 250}, 3,
			srs.State{Repetitions: 4, Interval: 25, Ease: 236}},
		{"10 days at 2.20 is 22", srs.State{Repetitions: 5, Interval: 10, Ease: 220}, 4,
			srs.State{Repetitions: 6, Interval: 22, Ease: 220}},
		{"fraction rounds up", srs.State{Repetitions: 2, Interval: 7, Ease: 130}, 4,
			srs.State{Repetitions: 3, Interval: 10, Ease: 130}}, // 9.1 -> 10
		{"lapse keeps low ease floor", srs.State{Repetitions: 9, Interval: 300, Ease: 150}, 0,
			srs.State{Repetitions: 0, Interval: 1, Ease: 130}},
		{"lapse keeps ease rather than resetting to 2.5", srs.State{Repetitions: 4, Interval: 40, Ease: 300}, 2,
			srs.State{Repetitions: 0, Interval: 1, Ease: 268}},
		{"relearned card restarts at 1 then 6", srs.State{Repetitions: 1, Interval: 1, Ease: 180}, 5,
			srs.State{Repetitions: 2, Interval: 6, Ease: 190}},
		{"capped at MaxInterval", srs.State{Repetitions: 20, Interval: 20000, Ease: 250}, 5,
			srs.State{Repetitions: 21, Interval: srs.MaxInterval, Ease: 260}},
		{"at MaxInterval stays there", srs.State{Repetitions: 20, Interval: srs.MaxInterval, Ease: 130}, 3,
			srs.State{Repetitions: 21, Interval: srs.MaxInterval, Ease: 130}},

		// Odd stored states are repaired, not rejected.
		{"ease below floor counts as 1.30", srs.State{Repetitions: 2, Interval: 10, Ease: 50}, 4,
			srs.State{Repetitions: 3, Interval: 13, Ease: 130}},
		{"negative ease", srs.State{Repetitions: 2, Interval: 10, Ease: -1000}, 5,
			srs.State{Repetitions: 3, Interval: 13, Ease: 140}},
		{"negative interval with n >= 2 gets a day", srs.State{Repetitions: 2, Interval: -5, Ease: 250}, 4,
			srs.State{Repetitions: 3, Interval: 1, Ease: 250}},
		{"negative repetitions count as new", srs.State{Repetitions: -3, Interval: 50, Ease: 250}, 4,
			srs.State{Repetitions: 1, Interval: 1, Ease: 250}},
		{"interval above cap", srs.State{Repetitions: 5, Interval: math.MaxInt, Ease: 250}, 4,
			srs.State{Repetitions: 6, Interval: srs.MaxInterval, Ease: 250}},
		{"huge ease does not overflow", srs.State{Repetitions: 5, Interval: 3, Ease: math.MaxInt / 7}, 4,
			srs.State{Repetitions: 6, Interval: srs.MaxInterval, Ease: math.MaxInt / 7}},
		{"ease saturates", srs.State{Repetitions: 5, Interval: 3, Ease: math.MaxInt - 3}, 5,
			srs.State{Repetitions: 6, Interval: srs.MaxInterval, Ease: math.MaxInt}},
		{"repetitions saturate", srs.State{Repetitions: math.MaxInt, Interval: 3, Ease: 250}, 4,
			srs.State{Repetitions: math.MaxInt, Interval: 8, Ease: 250}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := srs.Next(tt.from, tt.g)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Next(%+v, %d) = %+v, want %+v", tt.from, tt.g, got, tt.want)
			}
		})
	}
}

func TestNextRejectsInvalidGrade(t *testing.T) {
	for _, g := range []srs.Grade{-1, 6, 100, math.MinInt} {
		got, err := srs.Next(srs.State{Repetitions: 3, Interval: 16, Ease: 246}, g)
		if !errors.Is(err, srs.ErrInvalidGrade) {
			t.Errorf("Next(_, %d) error = %v, want ErrInvalidGrade", g, err)
		}
		if got != (srs.State{}) {
			t.Errorf("Next(_, %d) = %+v, want the zero State", g, got)
		}
	}
}

// textbookFloat is SM-2 as usually written, with float64 E-Factors and
// math.Ceil, kept to show where floats drift.
func textbookFloat(grades []srs.Grade) (interval int) {
	n, ef := 0, 2.5
	for _, g := range grades {
		q := float64(g)
		switch {
		case g < 3:
			n, interval = 0, 1
		case n == 0:
			n, interval = 1, 1
		case n == 1:
			n, interval = 2, 6
		default:
			n, interval = n+1, int(math.Ceil(float64(interval)*ef))
		}
		ef = max(ef+(0.1-(5-q)*(0.08+(5-q)*0.02)), 1.3)
	}
	return interval
}

func TestNextExactWhereFloatsDrift(t *testing.T) {
	// Summing 0.1s and 0.14s leaves the float E-Factor a hair above its
	// decimal value, so a product that is a whole number of days gets
	// rounded up one day too far.
	tests := []struct {
		grades []srs.Grade
		want   int // exact ceil(I × EF) at the last grade
	}{
		{[]srs.Grade{0, 0, 5, 5, 4}, 9},            // 6 × 1.50
		{[]srs.Grade{0, 5, 4, 5, 4, 5, 5}, 80},     // 40 × 2.00
		{[]srs.Grade{0, 4, 4, 4, 5, 5, 5, 4}, 134}, // 67 × 2.00
		{[]srs.Grade{1, 4, 4, 5, 4, 3, 4, 3}, 192}, // 100 × 1.92
	}
	for _, tt := range tests {
		got := mustNext(t, srs.New(), tt.grades...)
		if last := got[len(got)-1].Interval; last != tt.want {
			t.Errorf("grades %v: interval %d, want %d", tt.grades, last, tt.want)
		}
		if naive := textbookFloat(tt.grades); naive == tt.want {
			t.Errorf("grades %v: float64 SM-2 gives %d too; this case shows nothing", tt.grades, naive)
		}
	}

	// The same happens when the E-Factor is read from a decimal column.
	products := []struct{ interval, ease, want int }{
		{25, 220, 55},
		{50, 218, 109},
		{75, 136, 102},
		{100, 243, 243},
		{180, 135, 243},
		{150, 322, 483},
	}
	for _, tt := range products {
		got, err := srs.Next(srs.State{Repetitions: 2, Interval: tt.interval, Ease: tt.ease}, 4)
		if err != nil {
			t.Fatal(err)
		}
		if got.Interval != tt.want {
			t.Errorf("%d days × %d/100: got %d, want %d", tt.interval, tt.ease, got.Interval, tt.want)
		}
		naive := int(math.Ceil(float64(tt.interval) * (float64(tt.ease) / 100)))
		if naive == tt.want {
			t.Errorf("%d × %d: float64 ceil gives %d too; this case shows nothing", tt.interval, tt.ease, naive)
		}
	}
}

// The integer formula must agree with exact rational arithmetic everywhere,
// not just in the listed cases: ceil(a/100) for a = I×E.
func TestNextIntervalIsExactCeiling(t *testing.T) {
	for ease := 130; ease <= 400; ease++ {
		for interval := 0; interval <= 2000; interval++ {
			got, _ := srs.Next(srs.State{Repetitions: 2, Interval: interval, Ease: ease}, 3)
			p := interval * ease
			want := p / 100
			if p%100 != 0 {
				want++
			}
			want = min(max(want, 1), srs.MaxInterval)
			if got.Interval != want {
				t.Fatalf("I=%d E=%d: got %d, want %d", interval, ease, got.Interval, want)
			}
		}
	}
}

func TestNextRandomWalks(t *testing.T) {
	r := rand.New(rand.NewPCG(2024, 1103))
	for walk := range 500 {
		s := srs.New()
		for step := range 400 {
			g := srs.Grade(r.IntN(6))
			// Long pass streaks are what push intervals to the cap.
			if walk%5 == 0 {
				g = srs.Grade(3 + r.IntN(3))
			}
			got, err := srs.Next(s, g)
			if err != nil {
				t.Fatal(err)
			}
			if got.Ease < 130 {
				t.Fatalf("walk %d step %d: ease %d below 130", walk, step, got.Ease)
			}
			if wantEase := max(s.Ease+[]int{-80, -54, -32, -14, 0, 10}[g], 130); got.Ease != wantEase {
				t.Fatalf("walk %d step %d: ease %d after %d from %d, want %d", walk, step, got.Ease, g, s.Ease, wantEase)
			}
			if got.Interval < 1 || got.Interval > srs.MaxInterval {
				t.Fatalf("walk %d step %d: interval %d out of range", walk, step, got.Interval)
			}
			if g < 3 {
				if got.Repetitions != 0 || got.Interval != 1 {
					t.Fatalf("walk %d step %d: grade %d gave %+v, want n=0 I=1", walk, step, g, got)
				}
			} else {
				if got.Repetitions != s.Repetitions+1 {
					t.Fatalf("walk %d step %d: grade %d took n from %d to %d", walk, step, g, s.Repetitions, got.Repetitions)
				}
				if s.Repetitions >= 2 && got.Interval < min(s.Interval+1, srs.MaxInterval) {
					t.Fatalf("walk %d step %d: a pass shrank the interval from %d to %d", walk, step, s.Interval, got.Interval)
				}
			}
			s = got
		}
	}
}

func TestGradeMeaning(t *testing.T) {
	tests := []struct {
		g      srs.Grade
		valid  bool
		passed bool
		label  string
	}{
		{-1, false, false, ""},
		{0, true, false, "Blackout"},
		{1, true, false, "Wrong"},
		{2, true, false, "Almost"},
		{3, true, true, "Hard"},
		{4, true, true, "Good"},
		{5, true, true, "Perfect"},
		{6, false, false, ""},
	}
	for _, tt := range tests {
		if got := tt.g.Valid(); got != tt.valid {
			t.Errorf("Grade(%d).Valid() = %v", tt.g, got)
		}
		if got := tt.g.Passed(); got != tt.passed {
			t.Errorf("Grade(%d).Passed() = %v", tt.g, got)
		}
		if got := tt.g.Label(); got != tt.label {
			t.Errorf("Grade(%d).Label() = %q, want %q", tt.g, got, tt.label)
		}
		if got := tt.g.Description(); (got != "") != tt.valid {
			t.Errorf("Grade(%d).Description() = %q", tt.g, got)
		}
	}
}

func FuzzNext(f *testing.F) {
	f.Add(0, 0, 250, 5)
	f.Add(2, 6, 260, 3)
	f.Add(5, 10, 220, 4)
	f.Add(9, 300, 150, 0)
	f.Add(-1, -1, -1, -1)
	f.Add(math.MaxInt, math.MaxInt, math.MaxInt, 5)
	f.Add(3, srs.MaxInterval, 130, 6)
	f.Fuzz(func(t *testing.T, n, interval, ease, grade int) {
		in := srs.State{Repetitions: n, Interval: interval, Ease: ease}
		g := srs.Grade(grade)
		got, err := srs.Next(in, g)
		if !g.Valid() {
			if !errors.Is(err, srs.ErrInvalidGrade) {
				t.Fatalf("grade %d: error %v, want ErrInvalidGrade", grade, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Next(%+v, %d): %v", in, g, err)
		}
		if got.Ease < 130 {
			t.Fatalf("Next(%+v, %d) ease %d below 130", in, g, got.Ease)
		}
		if got.Interval < 1 || got.Interval > srs.MaxInterval {
			t.Fatalf("Next(%+v, %d) interval %d out of range", in, g, got.Interval)
		}
		if g.Passed() {
			if got.Repetitions < 1 {
				t.Fatalf("Next(%+v, %d) passed but n = %d", in, g, got.Repetitions)
			}
		} else if got.Repetitions != 0 || got.Interval != 1 {
			t.Fatalf("Next(%+v, %d) failed but gave %+v", in, g, got)
		}
		// Grading the result again must also stay in range.
		again, err := srs.Next(got, g)
		if err != nil || again.Ease < 130 || again.Interval < 1 || again.Interval > srs.MaxInterval {
			t.Fatalf("Next(Next(%+v, %d)) = %+v, %v", in, g, again, err)
		}
	})
}

var sinkState srs.State

func BenchmarkNext(b *testing.B) {
	s := srs.State{Repetitions: 4, Interval: 40, Ease: 246}
	grades := []srs.Grade{5, 4, 3, 2, 4, 5}
	i := 0
	for b.Loop() {
		next, _ := srs.Next(s, grades[i%len(grades)])
		sinkState = next
		i++
	}
}
