// Package words writes counts as people read them, for every message and
// page: "1 card", "3 cards". The store's messages and the pages both use
// it, so a count reads the same everywhere.
package words

import "strconv"

// Count writes n with its noun: one for 1, many otherwise.
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
