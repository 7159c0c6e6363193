package srs_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zoneinfo

	"github.com/flashcards/flashcards/srs"
)

func loadLocation(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustDay(t testing.TB, s string) srs.Day {
	t.Helper()
	d, err := srs.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestDayCalendar(t *testing.T) {
	tests := []struct {
		day  srs.Day
		text string
	}{
		{0, "1970-01-01"},
		{-1, "1969-12-31"},
		{59, "1970-03-01"},
		{11016, "2000-02-29"},
		{19792, "2024-03-10"},
		{-719162, "0001-01-01"},
		{2932896, "9999-12-31"},
	}
	for _, tt := range tests {
		if got := tt.day.String(); got != tt.text {
			t.Errorf("Day(%d).String() = %q, want %q", int(tt.day), got, tt.text)
		}
		got, err := srs.ParseDay(tt.text)
		if err != nil || got != tt.day {
			t.Errorf("ParseDay(%q) = %d, %v; want %d", tt.text, int(got), err, int(tt.day))
		}
		y, m, d := tt.day.Date()
		if back := srs.DateOf(y, m, d); back != tt.day {
			t.Errorf("DateOf(%d, %v, %d) = %d, want %d", y, m, d, int(back), int(tt.day))
		}
	}
	if got := srs.DateOf(2023, time.February, 29); got.String() != "2023-03-01" {
		t.Errorf("DateOf(2023, February, 29) = %v, want it normalized to 2023-03-01", got)
	}
	for _, bad := range []string{"", "2024-02-30", "2024-2-3", "24-02-03", "2024-02-03T00:00:00Z", "2024/02/03"} {
		if d, err := srs.ParseDay(bad); err == nil {
			t.Errorf("ParseDay(%q) = %v, want an error", bad, d)
		}
	}
}

func TestDayArithmetic(t *testing.T) {
	feb27 := mustDay(t, "2024-02-27")
	mar1 := feb27.AddDays(3)
	if mar1.String() != "2024-03-01" {
		t.Errorf("2024-02-27 + 3 days = %v, want 2024-03-01 (leap year)", mar1)
	}
	if got := mar1.AddDays(-3); got != feb27 {
		t.Errorf("AddDays(-3) = %v, want %v", got, feb27)
	}
	if got := mar1.Sub(feb27); got != 3 {
		t.Errorf("Sub = %d, want 3", got)
	}
	if got := feb27.Sub(mar1); got != -3 {
		t.Errorf("Sub = %d, want -3", got)
	}
	if !feb27.Before(mar1) || feb27.After(mar1) || !mar1.After(feb27) || feb27.Before(feb27) || feb27.After(feb27) {
		t.Error("Before/After disagree with the calendar")
	}
	if got := mustDay(t, "2025-01-01").Sub(mustDay(t, "2024-01-01")); got != 366 {
		t.Errorf("days in 2024 = %d, want 366", got)
	}

	days := []srs.Day{mustDay(t, "2024-03-10"), mustDay(t, "1999-12-31"), mustDay(t, "2024-03-09")}
	slices.Sort(days)
	want := []string{"1999-12-31", "2024-03-09", "2024-03-10"}
	for i, d := range days {
		if d.String() != want[i] {
			t.Errorf("sorted[%d] = %v, want %s", i, d, want[i])
		}
	}
}

func TestDayJSON(t *testing.T) {
	type row struct {
		Due srs.Day `json:"due"`
	}
	b, err := json.Marshal(row{Due: mustDay(t, "2024-03-10")})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"due":"2024-03-10"}` {
		t.Errorf("json = %s", b)
	}
	var back row
	if err := json.Unmarshal(b, &back); err != nil || back.Due.String() != "2024-03-10" {
		t.Errorf("round trip = %v, %v", back.Due, err)
	}
	if err := json.Unmarshal([]byte(`{"due":"March 10"}`), &back); err == nil {
		t.Error("unmarshal of a bad date succeeded")
	}
}

func TestStudyDay(t *testing.T) {
	tests := []struct {
		name     string
		zone     string
		now      string // RFC 3339 with the zone's offset, so repeated hours are unambiguous
		rollover int
		want     string
	}{
		{"before rollover", "America/New_York", "2024-06-01T03:59:59-04:00", 4, "2024-05-31"},
		{"at rollover", "America/New_York", "2024-06-01T04:00:00-04:00", 4, "2024-06-01"},
		{"late evening", "America/New_York", "2024-06-01T23:59:59-04:00", 4, "2024-06-01"},
		{"just after midnight", "America/New_York", "2024-06-02T00:30:00-04:00", 4, "2024-06-01"},

		// New York springs forward on 2024-03-10: 02:00 EST becomes 03:00 EDT.
		{"NY spring, last second of EST", "America/New_York", "2024-03-10T01:59:59-05:00", 4, "2024-03-09"},
		{"NY spring, first second of EDT", "America/New_York", "2024-03-10T03:00:00-04:00", 4, "2024-03-09"},
		{"NY spring, 03:59", "America/New_York", "2024-03-10T03:59:59-04:00", 4, "2024-03-09"},
		{"NY spring, 04:00", "America/New_York", "2024-03-10T04:00:00-04:00", 4, "2024-03-10"},
		{"NY spring, rollover in the gap, before", "America/New_York", "2024-03-10T01:59:59-05:00", 2, "2024-03-09"},
		{"NY spring, rollover in the gap, after", "America/New_York", "2024-03-10T03:00:00-04:00", 2, "2024-03-10"},

		// New York falls back on 2024-11-03: 02:00 EDT becomes 01:00 EST.
		{"NY fall, first 01:30", "America/New_York", "2024-11-03T01:30:00-04:00", 4, "2024-11-02"},
		{"NY fall, second 01:30", "America/New_York", "2024-11-03T01:30:00-05:00", 4, "2024-11-02"},
		{"NY fall, 03:59 EST", "America/New_York", "2024-11-03T03:59:59-05:00", 4, "2024-11-02"},
		{"NY fall, 04:00 EST", "America/New_York", "2024-11-03T04:00:00-05:00", 4, "2024-11-03"},
		{"NY fall, rollover in repeated hour, before", "America/New_York", "2024-11-03T00:59:59-04:00", 1, "2024-11-02"},
		{"NY fall, rollover in repeated hour, first", "America/New_York", "2024-11-03T01:00:00-04:00", 1, "2024-11-03"},
		{"NY fall, rollover in repeated hour, second", "America/New_York", "2024-11-03T01:00:00-05:00", 1, "2024-11-03"},

		// Berlin springs forward on 2024-03-31 (02:00 CET to 03:00 CEST) and
		// falls back on 2024-10-27 (03:00 CEST to 02:00 CET).
		{"Berlin spring, 03:59", "Europe/Berlin", "2024-03-31T03:59:59+02:00", 4, "2024-03-30"},
		{"Berlin spring, 04:00", "Europe/Berlin", "2024-03-31T04:00:00+02:00", 4, "2024-03-31"},
		{"Berlin spring, rollover in the gap, before", "Europe/Berlin", "2024-03-31T01:59:59+01:00", 2, "2024-03-30"},
		{"Berlin spring, rollover in the gap, after", "Europe/Berlin", "2024-03-31T03:00:00+02:00", 2, "2024-03-31"},
		{"Berlin fall, first 02:30", "Europe/Berlin", "2024-10-27T02:30:00+02:00", 4, "2024-10-26"},
		{"Berlin fall, second 02:30", "Europe/Berlin", "2024-10-27T02:30:00+01:00", 4, "2024-10-26"},
		{"Berlin fall, 03:59 CET", "Europe/Berlin", "2024-10-27T03:59:59+01:00", 4, "2024-10-26"},
		{"Berlin fall, 04:00 CET", "Europe/Berlin", "2024-10-27T04:00:00+01:00", 4, "2024-10-27"},
		{"Berlin fall, rollover 3, last CEST second", "Europe/Berlin", "2024-10-27T02:59:59+02:00", 3, "2024-10-26"},
		{"Berlin fall, rollover 3, repeated hour", "Europe/Berlin", "2024-10-27T02:59:59+01:00", 3, "2024-10-26"},
		{"Berlin fall, rollover 3, 03:00 CET", "Europe/Berlin", "2024-10-27T03:00:00+01:00", 3, "2024-10-27"},

		// Kolkata is UTC+05:30 all year: the boundary is at 22:30 UTC.
		{"Kolkata 03:59", "Asia/Kolkata", "2024-06-01T03:59:59+05:30", 4, "2024-05-31"},
		{"Kolkata 04:00", "Asia/Kolkata", "2024-06-01T04:00:00+05:30", 4, "2024-06-01"},
		{"Kolkata in UTC, before", "Asia/Kolkata", "2024-05-31T22:29:59Z", 4, "2024-05-31"},
		{"Kolkata in UTC, after", "Asia/Kolkata", "2024-05-31T22:30:00Z", 4, "2024-06-01"},

		// Lord Howe moves its clocks by 30 minutes at 02:00: on 2024-10-06
		// from 02:00 +10:30 to 02:30 +11, and on 2024-04-07 from 02:00 +11
		// back to 01:30 +10:30.
		{"Lord Howe 03:59", "Australia/Lord_Howe", "2024-10-06T03:59:59+11:00", 4, "2024-10-05"},
		{"Lord Howe 04:00", "Australia/Lord_Howe", "2024-10-06T04:00:00+11:00", 4, "2024-10-06"},
		{"Lord Howe spring, rollover in the gap, before", "Australia/Lord_Howe", "2024-10-06T01:59:59+10:30", 2, "2024-10-05"},
		{"Lord Howe spring, rollover in the gap, after", "Australia/Lord_Howe", "2024-10-06T02:30:00+11:00", 2, "2024-10-06"},
		{"Lord Howe fall, 01:45 daylight", "Australia/Lord_Howe", "2024-04-07T01:45:00+11:00", 2, "2024-04-06"},
		{"Lord Howe fall, 01:45 again", "Australia/Lord_Howe", "2024-04-07T01:45:00+10:30", 2, "2024-04-06"},
		{"Lord Howe fall, 02:00 standard", "Australia/Lord_Howe", "2024-04-07T02:00:00+10:30", 2, "2024-04-07"},
		{"Lord Howe fall, 03:59", "Australia/Lord_Howe", "2024-04-07T03:59:59+10:30", 4, "2024-04-06"},
		{"Lord Howe fall, 04:00", "Australia/Lord_Howe", "2024-04-07T04:00:00+10:30", 4, "2024-04-07"},

		{"rollover 0 is midnight", "UTC", "2024-01-01T00:00:00Z", 0, "2024-01-01"},
		{"negative rollover counts as 0", "UTC", "2024-01-01T00:00:00Z", -5, "2024-01-01"},
		{"rollover above 23 counts as 23, before", "UTC", "2024-01-01T22:59:59Z", 30, "2023-12-31"},
		{"rollover above 23 counts as 23, after", "UTC", "2024-01-01T23:00:00Z", 30, "2024-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := loadLocation(t, tt.zone)
			now := mustTime(t, tt.now)
			if got := srs.StudyDay(now, loc, tt.rollover); got.String() != tt.want {
				t.Errorf("StudyDay(%s in %s, rollover %d) = %v, want %s", tt.now, tt.zone, tt.rollover, got, tt.want)
			}
			// The instant, not its representation, decides.
			if got := srs.StudyDay(now.UTC(), loc, tt.rollover); got.String() != tt.want {
				t.Errorf("StudyDay of the same instant in UTC = %v, want %s", got, tt.want)
			}
		})
	}
}

func TestStudyDayNilLocationIsUTC(t *testing.T) {
	now := mustTime(t, "2024-01-01T03:59:00+00:00")
	if got := srs.StudyDay(now, nil, srs.DefaultRolloverHour); got.String() != "2023-12-31" {
		t.Errorf("StudyDay with nil location = %v, want 2023-12-31", got)
	}
	if got := srs.DayStart(mustDay(t, "2024-01-01"), nil, srs.DefaultRolloverHour); !got.Equal(mustTime(t, "2024-01-01T04:00:00Z")) {
		t.Errorf("DayStart with nil location = %v", got)
	}
}

func TestDayStart(t *testing.T) {
	tests := []struct {
		name     string
		zone     string
		day      string
		rollover int
		want     string        // as an instant
		length   time.Duration // until DayStart(day+1)
	}{
		{"ordinary day", "America/New_York", "2024-06-01", 4, "2024-06-01T04:00:00-04:00", 24 * time.Hour},
		{"NY day before spring forward is short", "America/New_York", "2024-03-09", 4, "2024-03-09T04:00:00-05:00", 23 * time.Hour},
		{"NY spring forward day", "America/New_York", "2024-03-10", 4, "2024-03-10T04:00:00-04:00", 24 * time.Hour},
		{"NY day before fall back is long", "America/New_York", "2024-11-02", 4, "2024-11-02T04:00:00-04:00", 25 * time.Hour},
		{"NY fall back day", "America/New_York", "2024-11-03", 4, "2024-11-03T04:00:00-05:00", 24 * time.Hour},
		{"NY skipped rollover starts at the jump", "America/New_York", "2024-03-10", 2, "2024-03-10T03:00:00-04:00", 23 * time.Hour},
		{"NY repeated rollover starts at the first", "America/New_York", "2024-11-03", 1, "2024-11-03T01:00:00-04:00", 25 * time.Hour},
		{"Berlin skipped rollover", "Europe/Berlin", "2024-03-31", 2, "2024-03-31T03:00:00+02:00", 23 * time.Hour},
		{"Berlin repeated rollover", "Europe/Berlin", "2024-10-27", 2, "2024-10-27T02:00:00+02:00", 25 * time.Hour},
		{"Berlin rollover just after the repeat", "Europe/Berlin", "2024-10-27", 3, "2024-10-27T03:00:00+01:00", 24 * time.Hour},
		{"Kolkata", "Asia/Kolkata", "2024-06-01", 4, "2024-05-31T22:30:00Z", 24 * time.Hour},
		{"Lord Howe skipped half hour", "Australia/Lord_Howe", "2024-10-06", 2, "2024-10-06T02:30:00+11:00", 23*time.Hour + 30*time.Minute},
		{"Lord Howe repeated half hour", "Australia/Lord_Howe", "2024-04-07", 1, "2024-04-07T01:00:00+11:00", 24*time.Hour + 30*time.Minute},
		{"Lord Howe just after the repeat", "Australia/Lord_Howe", "2024-04-07", 2, "2024-04-07T02:00:00+10:30", 24 * time.Hour},
		// Santiago changes clocks at midnight, so rollover 0 falls in the gap.
		{"Santiago skipped midnight", "America/Santiago", "2024-09-08", 0, "2024-09-08T01:00:00-03:00", 23 * time.Hour},
		{"Santiago long day", "America/Santiago", "2024-04-06", 0, "2024-04-06T00:00:00-03:00", 25 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := loadLocation(t, tt.zone)
			d := mustDay(t, tt.day)
			want := mustTime(t, tt.want)
			got := srs.DayStart(d, loc, tt.rollover)
			if !got.Equal(want) {
				t.Errorf("DayStart(%s, %s, %d) = %v, want %v", tt.day, tt.zone, tt.rollover, got, want)
			}
			if got.Location() != loc {
				t.Errorf("DayStart returned a time in %v, want %v", got.Location(), loc)
			}
			if l := srs.DayStart(d.AddDays(1), loc, tt.rollover).Sub(got); l != tt.length {
				t.Errorf("study day %s lasts %v, want %v", tt.day, l, tt.length)
			}
		})
	}
}

// Samoa skipped 2011-12-30 entirely: 23:59:59 on the 29th (-10) was followed
// by 00:00 on the 31st (+14). With rollover 0 there is no instant of that
// study day; with rollover 4 it lasts the four hours after the jump.
func TestDayStartSkippedDay(t *testing.T) {
	apia := loadLocation(t, "Pacific/Apia")
	jump := mustTime(t, "2011-12-31T00:00:00+14:00")
	for _, tt := range []struct {
		rollover int
		day      string
		want     time.Time
	}{
		{0, "2011-12-30", jump},
		{0, "2011-12-31", jump},
		{4, "2011-12-30", jump},
		{4, "2011-12-31", mustTime(t, "2011-12-31T04:00:00+14:00")},
	} {
		if got := srs.DayStart(mustDay(t, tt.day), apia, tt.rollover); !got.Equal(tt.want) {
			t.Errorf("DayStart(%s, Apia, %d) = %v, want %v", tt.day, tt.rollover, got, tt.want)
		}
	}
	if got := srs.StudyDay(jump, apia, 4); got.String() != "2011-12-30" {
		t.Errorf("StudyDay at the jump, rollover 4 = %v, want 2011-12-30", got)
	}
	if got := srs.StudyDay(jump.Add(-time.Second), apia, 0); got.String() != "2011-12-29" {
		t.Errorf("StudyDay just before the jump = %v, want 2011-12-29", got)
	}
}

// Zones with the awkward cases: DST at 02:00 and 03:00, at midnight,
// half-hour offsets and half-hour DST, no DST at all, a skipped day.
var testZones = []string{
	"UTC",
	"America/New_York",
	"Europe/Berlin",
	"Europe/London",
	"Asia/Kolkata",
	"Asia/Kathmandu",
	"Australia/Lord_Howe",
	"Pacific/Chatham",
	"America/St_Johns",
	"America/Santiago",
	"America/Havana",
	"Asia/Tehran",
	"Pacific/Apia",
}

// For every day of a few years, every rollover hour and every test zone,
// DayStart must be exactly where StudyDay changes.
func TestDayStartMatchesStudyDay(t *testing.T) {
	for _, zone := range testZones {
		loc := loadLocation(t, zone)
		for _, year := range []int{2011, 2022, 2024} {
			first := srs.DateOf(year, time.January, 1)
			last := srs.DateOf(year+1, time.January, 1)
			for hour := 0; hour < 24; hour++ {
				for d := first; d.Before(last); d = d.AddDays(1) {
					start := srs.DayStart(d, loc, hour)
					before := srs.StudyDay(start.Add(-time.Nanosecond), loc, hour)
					at := srs.StudyDay(start, loc, hour)
					// at > d only when the whole study day was skipped.
					if !before.Before(d) || at.Before(d) || (at != d && zone != "Pacific/Apia") {
						t.Fatalf("%s rollover %d: DayStart(%v) = %v, but StudyDay just before is %v and at it %v",
							zone, hour, d, start, before, at)
					}
					if next := srs.DayStart(d.AddDays(1), loc, hour); next.Before(start) {
						t.Fatalf("%s rollover %d: DayStart(%v) = %v is before DayStart(%v) = %v", zone, hour, d.AddDays(1), next, d, start)
					}
				}
			}
		}
	}
}

func TestDue(t *testing.T) {
	feb27 := mustDay(t, "2024-02-27")
	tests := []struct {
		s    srs.State
		want string
	}{
		{srs.New(), "2024-02-27"},
		{srs.State{Repetitions: 1, Interval: 1, Ease: 250}, "2024-02-28"},
		{srs.State{Repetitions: 2, Interval: 3, Ease: 250}, "2024-03-01"},
		{srs.State{Repetitions: 3, Interval: 366, Ease: 250}, "2025-02-27"},
		{srs.State{Interval: -4}, "2024-02-27"},
		{srs.State{Interval: 1 << 40}, feb27.AddDays(srs.MaxInterval).String()},
	}
	for _, tt := range tests {
		if got := srs.Due(feb27, tt.s); got.String() != tt.want {
			t.Errorf("Due(2024-02-27, %+v) = %v, want %s", tt.s, got, tt.want)
		}
	}
}

func FuzzStudyDay(f *testing.F) {
	f.Add(int64(1710054000), uint8(1), 4)  // 2024-03-10 07:00Z, New York's jump
	f.Add(int64(1730613600), uint8(1), 1)  // 2024-11-03 06:00Z, New York's repeat
	f.Add(int64(1717194600), uint8(4), 4)  // 2024-05-31 22:30Z, Kolkata's rollover
	f.Add(int64(1728142200), uint8(6), 2)  // 2024-10-05 15:30Z, Lord Howe's jump
	f.Add(int64(1325239200), uint8(12), 4) // 2011-12-30 10:00Z, Samoa's skipped day
	f.Add(int64(0), uint8(0), -1)
	f.Add(int64(-1), uint8(255), 99)
	locs := make([]*time.Location, len(testZones))
	for i, z := range testZones {
		locs[i] = loadLocation(f, z)
	}
	// Keep to the modern rules: before 1970 some zones changed their offset
	// by odd amounts at odd hours.
	lo := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	f.Fuzz(func(t *testing.T, sec int64, zone uint8, rollover int) {
		span := hi - lo
		now := time.Unix(lo+((sec%span)+span)%span, 0)
		loc := locs[int(zone)%len(locs)]
		got := srs.StudyDay(now, loc, rollover)
		local := srs.DayOf(now.In(loc))
		if got != local && got != local.AddDays(-1) {
			t.Fatalf("StudyDay(%v in %v, %d) = %v, local date %v", now, loc, rollover, got, local)
		}
		start, next := srs.DayStart(got, loc, rollover), srs.DayStart(got.AddDays(1), loc, rollover)
		if now.Before(start) || !now.Before(next) {
			t.Fatalf("StudyDay(%v in %v, %d) = %v, which runs from %v to %v", now, loc, rollover, got, start, next)
		}
		if d := next.Sub(start); d > 26*time.Hour {
			t.Fatalf("study day %v in %v lasts %v", got, loc, d)
		}
	})
}

var sinkDay srs.Day

func BenchmarkStudyDay(b *testing.B) {
	loc := loadLocation(b, "Europe/Berlin")
	now := time.Date(2024, 10, 27, 2, 30, 0, 0, time.UTC)
	for b.Loop() {
		sinkDay = srs.StudyDay(now, loc, srs.DefaultRolloverHour)
	}
}

var sinkTime time.Time

func BenchmarkDayStart(b *testing.B) {
	loc := loadLocation(b, "Europe/Berlin")
	d := srs.DateOf(2024, time.October, 27)
	for b.Loop() {
		sinkTime = srs.DayStart(d, loc, srs.DefaultRolloverHour)
	}
}
