package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data"
)

// TestKilledImportLeavesNothingAfterRestart kills `flashcards import` with
// SIGKILL half-way through a large card table: the cards it wrote stay in
// the file but show nowhere, and the server's start-up removes them.
func TestKilledImportLeavesNothingAfterRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary; skipped with -short")
	}
	bin := buildFlashcards(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "kill.db")
	if _, stderr, err := runCLI(t, db, "correct horse\n", "user", "add", "ada"); err != nil {
		t.Fatalf("user add: %v\n%s", err, stderr)
	}
	var table strings.Builder
	table.WriteString("front,back\n")
	for i := range 30_000 {
		fmt.Fprintf(&table, "Question %d?,Answer %d.\n", i, i)
	}
	path := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(path, []byte(table.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	raw, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	count := func(q string) int {
		t.Helper()
		var n int
		if err := raw.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	cmd := exec.Command(bin, "import", "--user", "ada", "--db", db, path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for count("SELECT COUNT(*) FROM cards") < 2000 || count("SELECT COUNT(*) FROM pending_imports") == 0 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the import wrote no chunk in a minute")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	written := count("SELECT COUNT(*) FROM cards")
	if written >= 30_000 || count("SELECT COUNT(*) FROM pending_imports") != 1 {
		t.Fatalf("%d cards at the kill: not half-way", written)
	}

	// Before any start-up, the account shows none of them.
	ctx := context.Background()
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UserByName(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountCards(ctx, u.ID); err != nil || n != 0 {
		t.Errorf("after the kill ada sees %d cards (%v), want 0", n, err)
	}
	s.Close()

	srv, err := startServerProcess(ctx, bin, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.stop(); err != nil {
		t.Fatalf("server: %v", err)
	}
	if n := count("SELECT COUNT(*) FROM cards"); n != 0 {
		t.Errorf("%d of the %d cards written before the kill are left after start-up", n, written)
	}
	if n := count("SELECT COUNT(*) FROM pending_imports") + count("SELECT COUNT(*) FROM decks"); n != 0 {
		t.Errorf("%d pending imports and decks left after start-up", n)
	}
	s, err = data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CheckCounts(ctx); err != nil {
		t.Error(err)
	}
}

// TestServerStartLeavesARunningImport starts the server while
// `flashcards import` is writing a large table into the same database: the
// server's start-up removes only imports whose writer is gone, so this one
// goes on and ends whole.
func TestServerStartLeavesARunningImport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary; skipped with -short")
	}
	bin := buildFlashcards(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "both.db")
	if _, stderr, err := runCLI(t, db, "correct horse\n", "user", "add", "ada"); err != nil {
		t.Fatalf("user add: %v\n%s", err, stderr)
	}
	const rows = 150_000
	var table strings.Builder
	table.WriteString("front,back\n")
	for i := range rows {
		fmt.Fprintf(&table, "Question %d?,Answer %d.\n", i, i)
	}
	path := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(path, []byte(table.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	pending := func() int {
		t.Helper()
		var n int
		if err := raw.QueryRow("SELECT COUNT(*) FROM pending_imports").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	var out strings.Builder
	cmd := exec.Command(bin, "import", "--user", "ada", "--db", db, path)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := time.Now().Add(60 * time.Second)
	for pending() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the import wrote no chunk in a minute")
		}
		time.Sleep(5 * time.Millisecond)
	}

	ctx := context.Background()
	srv, err := startServerProcess(ctx, bin, db)
	if err != nil {
		t.Fatal(err)
	}
	// The server listens after its start-up: the import must still be
	// pending then, or this test saw nothing.
	stillRunning := pending() == 1
	if err := srv.stop(); err != nil {
		t.Fatalf("server: %v", err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the import, with a server started beside it: %v\n%s", err, out.String())
	}
	if !stillRunning {
		t.Fatal("the import ended before the server was up: make the table larger")
	}
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.UserByName(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountCards(ctx, u.ID); err != nil || n != rows {
		t.Errorf("ada has %d cards (%v), want %d", n, err, rows)
	}
	if err := s.CheckCounts(ctx); err != nil {
		t.Error(err)
	}
}
