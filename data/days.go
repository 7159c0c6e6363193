package data

import (
	"database/sql"

	"github.com/flashcards/flashcards/srs"
)

// A study day in a nullable column (due, last_day, memory_day, ...): NULL
// means none. These are the only conversions between the two.

// dayOrNull is the column value of a day that may be missing.
func dayOrNull(valid bool, d srs.Day) any {
	if !valid {
		return nil
	}
	return int(d)
}

// dayPtrOrNull is dayOrNull for a day held as a pointer (nil: none), as
// an export holds it.
func dayPtrOrNull(d *srs.Day) any {
	if d == nil {
		return nil
	}
	return dayOrNull(true, *d)
}

// nullDay reads a nullable day column as a pointer (nil: none).
func nullDay(v sql.NullInt64) *srs.Day {
	if !v.Valid {
		return nil
	}
	d := srs.Day(v.Int64)
	return &d
}
