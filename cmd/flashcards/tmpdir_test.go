package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// leaveStaleRun makes what a run killed during an Anki import leaves in
// the temporary folder tmp, and returns the run's folder.
func leaveStaleRun(t *testing.T, tmp string) string {
	t.Helper()
	run := filepath.Join(tmp, "flashcards-run-4242-17")
	if err := os.MkdirAll(filepath.Join(run, "apkg-3"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run, "apkg-3", "collection.sqlite"), []byte("half unpacked"), 0o600); err != nil {
		t.Fatal(err)
	}
	return run
}

// The server keeps its temporary files where FLASHCARDS_TMP_DIR says, and
// once it has started, what a killed run left there is gone; after it
// stops, nothing of its own is left either.
func TestServeEmptiesItsTempFolder(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fc.db")
	tmp := filepath.Join(dir, "scratch")
	stale := leaveStaleRun(t, tmp)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, env(map[string]string{"FLASHCARDS_DB": db, "FLASHCARDS_TMP_DIR": tmp}),
			strings.NewReader(""), io.Discard, pw)
		pw.Close()
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "msg=listening") {
				lines <- sc.Text()
			}
		}
	}()
	select {
	case line := <-lines:
		if !strings.Contains(line, "tmp="+tmp+" ") {
			t.Errorf("the start-up line does not name the temporary folder %s: %s", tmp, line)
		}
	case err := <-done:
		t.Fatalf("run returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not start")
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("after start-up the killed run's files are still there (%v)", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop")
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("after the server stopped its temporary folder holds %v", left)
	}
}

// Commands use the same folder, beside the database unless configured,
// and clean it the same way; an Anki package import and export through
// the CLI leave nothing in the system's temporary folder.
func TestCommandsUseTheTempFolderBesideTheDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fc.db")
	stale := leaveStaleRun(t, db+".tmp")
	system := t.TempDir()
	t.Setenv("TMPDIR", system)
	if _, errOut, err := runCLI(t, db, "correct horse\n", "user", "add", "ada"); err != nil {
		t.Fatalf("user add: %v\n%s", err, errOut)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a command left the killed run's files in %s.tmp (%v)", db, err)
	}
	doc := writeFile(t, dir, "notes.md", "## Q: What does recall measure?\nThe share of actual positives found.\n")
	if _, errOut, err := runCLI(t, db, "", "import", "--user", "ada", doc); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	pkg := filepath.Join(dir, "ada.apkg")
	if _, errOut, err := runCLI(t, db, "", "export", "--user", "ada", "--format", "apkg", "-o", pkg); err != nil {
		t.Fatalf("export apkg: %v\n%s", err, errOut)
	}
	if _, errOut, err := runCLI(t, db, "", "import", "--user", "ada", pkg); err != nil {
		t.Fatalf("import apkg: %v\n%s", err, errOut)
	}
	if left, _ := os.ReadDir(system); len(left) != 0 {
		t.Errorf("the commands left %v in the system's temporary folder", left)
	}
	if left, _ := os.ReadDir(db + ".tmp"); len(left) != 0 {
		t.Errorf("the commands left %v in %s.tmp", left, db)
	}
}
