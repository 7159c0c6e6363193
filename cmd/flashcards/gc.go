package main

import (
	"os"
	"runtime/debug"
)

// serverGCPercent is the garbage collector's target for the server. Its
// live heap is small (a few MB: the caches are SQLite's, outside it), so
// the default of collecting at twice the live heap runs the collector
// often under load. Collecting at four times costs about 8 MB of RSS and
// gave 5-20 % more grades per second in the load bench.
const serverGCPercent = 300

// tuneGC applies serverGCPercent unless GOGC says otherwise.
// cmd/flashcards-bench keeps a copy for the runs that hold the store in its
// own process, and a test there keeps the two values equal.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}
