package main

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestTuneGCRespectsGOGC(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set for this test run")
	}
	tuneGC()
	if got := debug.SetGCPercent(100); got != serverGCPercent {
		t.Errorf("GC percent after tuneGC = %d, want %d", got, serverGCPercent)
	}
	t.Setenv("GOGC", "50")
	tuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, tuneGC changed the GC percent to %d", got)
	}
}
