package data

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/internal/testkit/ankitest"
)

// tempHelperEnv names the database a helper process opens; see
// TestTempHelperProcess.
const tempHelperEnv = "FLASHCARDS_TEMP_HELPER_DB"

// TestTempHelperProcess is not a test: run as a child of
// TestOpenRemovesWhatAKilledProcessLeft, it opens the store, starts an
// import's temporary folder with a file in it, prints the folder and waits
// to be killed, as a server killed in the middle of an import would be.
func TestTempHelperProcess(t *testing.T) {
	db := os.Getenv(tempHelperEnv)
	if db == "" {
		t.Skip("a helper for TestOpenRemovesWhatAKilledProcessLeft")
	}
	s, err := Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := s.temp.mkdirTemp("apkg-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "collection.sqlite"), []byte("half unpacked"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString(dir + "\n")
	select {} // until killed
}

// A process killed in the middle of an import leaves its temporary files;
// the next process to open the store removes them, but never those of a
// process still running beside it.
func TestOpenRemovesWhatAKilledProcessLeft(t *testing.T) {
	if !dirLocks {
		t.Skip("no flock on this system")
	}
	db := filepath.Join(t.TempDir(), "fc.db")
	child := exec.Command(os.Args[0], "-test.run=^TestTempHelperProcess$")
	child.Env = append(os.Environ(), tempHelperEnv+"="+db)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the helper process said nothing: %v", err)
	}
	leftover := strings.TrimSpace(line)
	if !strings.HasPrefix(leftover, db+".tmp"+string(filepath.Separator)) {
		t.Fatalf("the helper's temporary folder %s is not in %s.tmp", leftover, db)
	}

	// A command opening the store beside the running process keeps its files.
	s, err := Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(leftover, "collection.sqlite")); err != nil {
		t.Fatalf("opening the store beside a running process removed its files: %v", err)
	}

	child.Process.Kill()
	child.Wait()
	if _, err := os.Stat(leftover); err != nil {
		t.Fatalf("the killed process's folder vanished by itself: %v", err)
	}
	s, err = Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Errorf("after a restart the killed process's files are still there (%v)", err)
	}
	left, _ := os.ReadDir(s.TempDir())
	if len(left) != 1 || filepath.Join(s.TempDir(), left[0].Name()) != s.temp.dir {
		t.Errorf("the temporary folder holds %v; want only this process's own folder", left)
	}
}

// Leftovers of a run of an older version, or of one that died before it
// could lock its folder, go too; what else a configured folder holds stays.
func TestOpenRemovesOnlyItsOwnLeftovers(t *testing.T) {
	if !dirLocks {
		t.Skip("no flock on this system")
	}
	tmp := t.TempDir()
	stale := filepath.Join(tmp, "flashcards-run-4242-123", "apkg-export-9")
	if err := os.MkdirAll(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "collection.anki2"), []byte("half written"), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(tmp, "notes.txt")
	if err := os.WriteFile(other, []byte("not ours"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "fc.db"), WithTempDir(tmp))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(stale)); !os.IsNotExist(err) {
		t.Errorf("the stale folder is still there (%v)", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a file the store does not own was removed: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(tmp)
	if len(left) != 1 || left[0].Name() != "notes.txt" {
		t.Errorf("after Close the folder holds %v; want only notes.txt", left)
	}
}

// Imports and exports keep their files in the store's folder: they work
// with no usable system temporary folder and leave nothing behind.
func TestAnkiImportAndExportUseTheStoresTempFolder(t *testing.T) {
	s, uid := ankiTestStore(t)
	pkgs := ankiBuild.Layouts(t, ankitest.Sample())
	// A file where the system temporary folder should be: nothing can be
	// made in it.
	blocked := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", blocked)
	for name, pkg := range pkgs {
		if _, err := importApkg(t, s, uid, pkg, ""); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	var out bytes.Buffer
	if err := s.ExportApkg(context.Background(), uid, &out); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(s.temp.dir); len(left) != 0 {
		t.Errorf("left behind in %s: %v", s.temp.dir, left)
	}
}
