package main

import (
	"os"
	"runtime/debug"
)

// serverGCPercent is the server's garbage-collector target, copied from
// cmd/flashcards/gc.go (a main package cannot be imported);
// TestGCPercentIsTheServers keeps the two equal.
const serverGCPercent = 300

// tuneGC does what the server does to its collector, for the runs that
// hold the store in this process (bare, --inproc), so that bare and HTTP
// runs compare like with like.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}
