package srs

import (
	"fmt"
	"time"
)

// Day is a calendar date without a time of day or zone: the number of days
// since 1970-01-01, which is also how a store should keep it (an INTEGER
// column holding int(d), read back with Day(n)). Days compare and sort as
// integers, and the zero Day is 1970-01-01.
type Day int

// DefaultRolloverHour is when a new study day begins if the user has not
// chosen otherwise: 04:00, so a late-night session still counts for the
// evening it started in.
const DefaultRolloverHour = 4

const secondsPerDay = 24 * 60 * 60

// DateOf returns the Day of a calendar date. Out-of-range months and days
// are normalized as time.Date does: October 32 is November 1.
func DateOf(year int, month time.Month, day int) Day {
	// Midnight UTC is a whole number of days after the epoch, so the
	// division is exact, negative years included.
	return Day(time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

// DayOf returns the calendar date of t in t's own location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return DateOf(y, m, d)
}

// ParseDayError is text that is not a date written YYYY-MM-DD; a reader
// of a file names the text in its own words.
type ParseDayError struct {
	Text string
}

func (e *ParseDayError) Error() string {
	return fmt.Sprintf("srs: parse day %q: want YYYY-MM-DD", e.Text)
}

// ParseDay parses a date written YYYY-MM-DD; text that is not one is a
// *ParseDayError.
func ParseDay(s string) (Day, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, &ParseDayError{Text: s}
	}
	return DayOf(t), nil
}

// Date returns the year, month and day of d.
func (d Day) Date() (year int, month time.Month, day int) {
	return time.Unix(int64(d)*secondsPerDay, 0).UTC().Date()
}

// String formats d as YYYY-MM-DD.
func (d Day) String() string {
	y, m, dd := d.Date()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// MarshalText writes d as YYYY-MM-DD, so JSON shows a date, not a count.
func (d Day) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a date written YYYY-MM-DD.
func (d *Day) UnmarshalText(text []byte) error {
	parsed, err := ParseDay(string(text))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// AddDays returns the day n days after d (before it if n is negative).
func (d Day) AddDays(n int) Day { return d + Day(n) }

// Sub returns the number of days from e to d: positive when d is later.
func (d Day) Sub(e Day) int { return int(d - e) }

// Before reports whether d is earlier than e.
func (d Day) Before(e Day) bool { return d < e }

// After reports whether d is later than e.
func (d Day) After(e Day) bool { return d > e }

// StudyDay returns the user's study day at instant now: the calendar date in
// loc of the wall-clock time rolloverHour hours earlier. With the default
// rollover, 03:59 local still belongs to the previous day and 04:00 starts a
// new one.
//
// The shift is applied to the wall clock, not to the instant, so a DST change
// never moves the boundary off rolloverHour:00 local time. (Where clocks go
// back by two hours across the rollover hour, as at Antarctica/Troll, the
// previous study day briefly returns; nothing here assumes study days only
// move forward.) rolloverHour is clamped to 0..23, and a nil loc means UTC.
func StudyDay(now time.Time, loc *time.Location, rolloverHour int) Day {
	local := now.In(orUTC(loc))
	day := DayOf(local)
	if local.Hour() < clampHour(rolloverHour) {
		day--
	}
	return day
}

// DayStart returns the instant study day d begins in loc: the first instant
// whose wall clock reads rolloverHour:00 on d or later. When that hour occurs
// twice (clocks going back) it is the first occurrence; when it is skipped
// (clocks going forward) it is the moment the clock jumps past it. So the
// study day d lasts from DayStart(d) until DayStart(d+1): 24 hours, give or
// take the DST shift. rolloverHour is clamped to 0..23, and a nil loc means UTC.
func DayStart(d Day, loc *time.Location, rolloverHour int) time.Time {
	loc = orUTC(loc)
	hour := clampHour(rolloverHour)
	// The wall time we want, counted as if the zone were UTC.
	want := int64(d)*secondsPerDay + int64(hour)*60*60

	// time.Date lands near the answer but does not promise which instant it
	// picks for a repeated or skipped wall time, so look at the zone spans
	// around its pick and take the earliest instant at or past want.
	y, m, dd := d.Date()
	guess := time.Date(y, m, dd, hour, 0, 0, 0, loc)
	start, end := guess.ZoneBounds()
	best, found := guess, false
	consider := func(at time.Time) {
		if t, ok := earliestInSpan(want, at); ok && (!found || t.Before(best)) {
			best, found = t, true
		}
	}
	consider(guess)
	if !start.IsZero() {
		consider(start.Add(-time.Second)) // the span before
	}
	if !end.IsZero() {
		consider(end) // the span after
	}
	return best.In(loc)
}

// earliestInSpan returns the first instant in the zone span holding at whose
// wall clock reads want (seconds, counted as if in UTC) or later.
func earliestInSpan(want int64, at time.Time) (time.Time, bool) {
	_, offset := at.Zone()
	start, end := at.ZoneBounds()
	t := time.Unix(want-int64(offset), 0)
	if !start.IsZero() && t.Before(start) {
		t = start
	}
	if !end.IsZero() && !t.Before(end) {
		return time.Time{}, false
	}
	return t, true
}

// Due returns the day a card graded on gradedOn comes up again.
func Due(gradedOn Day, s State) Day {
	return gradedOn.AddDays(min(max(s.Interval, 0), MaxInterval))
}

func clampHour(h int) int { return min(max(h, 0), 23) }

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}
