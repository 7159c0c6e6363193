package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// buildFlashcards compiles the server binary into a temporary directory,
// the way the bench does without --server. go test puts its own go first
// on PATH.
func buildFlashcards(t *testing.T) string {
	t.Helper()
	bin, err := buildServer(context.Background(), t.TempDir(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

var benchLine = regexp.MustCompile(`(?m)^(grades|next|conflicts|errors)\s+(\d+)`)

// benchCounts reads the counts off a bench report.
func benchCounts(t *testing.T, report string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, m := range benchLine.FindAllStringSubmatch(report, -1) {
		n, _ := strconv.Atoi(m[2])
		counts[m[1]] = n
	}
	return counts
}

// TestBenchCommand keeps flashcards-bench working: a short run of every
// mode with tiny numbers grades cards without errors, and every grade it
// counts is in the review log.
func TestBenchCommand(t *testing.T) {
	bin := buildFlashcards(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"http", []string{"--mode", "http", "--server", bin}},
		{"http-inproc", []string{"--mode", "http", "--inproc"}},
		{"bare", []string{"--mode", "bare"}},
		{"next", []string{"--mode", "next", "--server", bin}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "bench.db")
			args := append([]string{"--users", "2", "--cards", "20", "--clients", "4", "--duration", "1500ms", "--db", db}, tc.args...)
			var out, errOut bytes.Buffer
			if err := run(context.Background(), args, &out, &errOut); err != nil {
				t.Fatalf("bench: %v\n%s%s", err, out.String(), errOut.String())
			}
			report := out.String()
			t.Log("\n" + report)
			got := benchCounts(t, report)
			if got["errors"] != 0 || got["next"] == 0 {
				t.Fatalf("want next > 0 and no errors:\n%s%s", report, errOut.String())
			}
			if strings.Contains(report, "server log:") {
				t.Errorf("the server logged errors:\n%s", report)
			}
			if tc.name == "next" {
				if got["grades"] != 0 {
					t.Errorf("next mode graded %d cards", got["grades"])
				}
				return
			}
			if got["grades"] == 0 {
				t.Fatalf("no grades:\n%s", report)
			}
			var reviews int
			dbh, err := sql.Open("sqlite", db)
			if err != nil {
				t.Fatal(err)
			}
			defer dbh.Close()
			if err := dbh.QueryRow("SELECT COUNT(*) FROM reviews").Scan(&reviews); err != nil {
				t.Fatal(err)
			}
			if reviews != got["grades"] {
				t.Errorf("the review log holds %d grades, the report counts %d", reviews, got["grades"])
			}
		})
	}
}

func TestBenchRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--mode", "ftp"},
		{"--users", "0"},
		{"--clients", "-1"},
		{"--duration", "0s"},
		{"--cpuprofile", "x.prof", "--mode", "http"},
		{"extra"},
	} {
		err := run(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil {
			t.Errorf("bench %v was accepted", args)
		}
	}
}

func TestRequireLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:8080": true,
		"[::1]:80":       true,
		"10.0.0.1:80":    false,
		"example.com:80": false,
	} {
		if err := requireLoopback(addr); (err == nil) != ok {
			t.Errorf("requireLoopback(%q) = %v", addr, err)
		}
	}
}

// compare runs http and bare back to back, each on a fresh database, and
// reports the share of each pair. Without --server the bench builds the
// server from source, once for all the runs.
func TestBenchCompare(t *testing.T) {
	var out, errOut bytes.Buffer
	args := []string{"--users", "2", "--cards", "20", "--clients", "4", "--duration", "1s",
		"--mode", "compare", "--pairs", "2"}
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("bench: %v\n%s%s", err, out.String(), errOut.String())
	}
	report := out.String()
	for _, want := range []string{"mode http:", "mode bare:", "pair 1: http ", "pair 2: http ", "% of bare over 2 pairs, median "} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	if n := strings.Count(errOut.String(), "setup:"); n != 4 {
		t.Errorf("%d databases set up, want a fresh one for each of the 4 runs:\n%s", n, errOut.String())
	}
	if n := strings.Count(errOut.String(), "server: built "+serverPackage); n != 1 {
		t.Errorf("the server was built %d times, want once:\n%s", n, errOut.String())
	}
	err := run(context.Background(), []string{"--mode", "compare", "--db", filepath.Join(t.TempDir(), "x.db")},
		io.Discard, io.Discard)
	if err == nil {
		t.Error("compare accepted --db")
	}
}

// -h prints the usage, which names --server and what happens without it,
// and main exits 0 on it.
func TestHelpFlag(t *testing.T) {
	var errOut bytes.Buffer
	err := run(context.Background(), []string{"-h"}, io.Discard, &errOut)
	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	for _, want := range []string{"--server PATH", "go build", serverPackage} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("the usage lacks %q:\n%s", want, errOut.String())
		}
	}
}
