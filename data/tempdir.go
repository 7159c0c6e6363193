package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The store's temporary files (an Anki package unpacked to be read, one
// being built for an export) live in a folder of the store's own, never in
// the system's temporary folder: <db>.tmp beside the database unless Open
// is told another (WithTempDir).
//
// Each process that opens the store works in a subfolder of it,
// flashcards-run-<pid>-<random>, and holds a lock on that subfolder while
// the store is open; the kernel drops the lock when the process ends, even
// when it is killed. Opening the store removes every subfolder nobody holds
// a lock on, so what a killed import or export left behind is gone at the
// next start of the server or of any command, while the files of a server
// still running beside a command stay. Only entries named so are ever
// touched: a folder named in the config may hold other things.

// tempRunPrefix starts the name of each process's subfolder.
const tempRunPrefix = "flashcards-run-"

// tempRun is this process's subfolder of the store's temporary folder.
type tempRun struct {
	root string   // the store's temporary folder
	dir  string   // this process's subfolder in it
	lock *os.File // the subfolder opened, holding its lock
}

// openTempRun removes the subfolders of processes that are gone and makes
// this process's own.
func openTempRun(root string) (*tempRun, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("temporary folder: %w", err)
	}
	// A leftover that cannot be removed is litter, not a reason to stay
	// down: the next start tries again.
	_ = removeStaleTempRuns(root)
	// Another process sweeping at this moment may take the new folder for
	// a stale one before it is locked: then it is gone or its lock taken,
	// and another name is tried.
	for range 5 {
		dir, err := os.MkdirTemp(root, fmt.Sprintf("%s%d-", tempRunPrefix, os.Getpid()))
		if err != nil {
			return nil, fmt.Errorf("temporary folder: %w", err)
		}
		f, err := os.Open(dir)
		if err != nil {
			continue
		}
		locked, err := tryLockDir(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("temporary folder: %w", err)
		}
		if locked && sameDir(f, dir) {
			return &tempRun{root: root, dir: dir, lock: f}, nil
		}
		f.Close()
	}
	return nil, errors.New("temporary folder: could not make a folder of this process's own in " + root)
}

// sameDir reports whether the open folder f is still the one at path.
func sameDir(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// removeStaleTempRuns removes the subfolders no running process holds.
func removeStaleTempRuns(root string) error {
	if !dirLocks {
		return nil
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), tempRunPrefix) {
			continue
		}
		path := filepath.Join(root, e.Name())
		f, err := os.Open(path)
		if err != nil {
			continue // gone meanwhile
		}
		// The lock is held while removing, so the owner of a folder just
		// made never takes it for its own.
		if locked, err := tryLockDir(f); err == nil && locked {
			if err := os.RemoveAll(path); err != nil {
				errs = append(errs, err)
			}
		}
		f.Close()
	}
	return errors.Join(errs...)
}

// mkdirTemp makes a new folder for one job's temporary files.
func (r *tempRun) mkdirTemp(pattern string) (string, error) {
	return os.MkdirTemp(r.dir, pattern)
}

// close removes this process's subfolder, then lets go of its lock.
func (r *tempRun) close() error {
	err := os.RemoveAll(r.dir)
	return errors.Join(err, r.lock.Close())
}

// importPrefix starts the name of the file an import holds locked while
// it runs: its lock tells other processes the import's writer is alive.
const importPrefix = "import-"

// holdImportLock makes a file in this process's subfolder and holds a lock
// on it until release: the pending import that records its path is alive
// while the lock is held, and the kernel drops the lock when the process
// ends, however it ends.
func (r *tempRun) holdImportLock() (path string, release func(), err error) {
	f, err := os.CreateTemp(r.dir, importPrefix+"*")
	if err != nil {
		return "", nil, fmt.Errorf("temporary folder: %w", err)
	}
	if locked, err := tryLockDir(f); err != nil || !locked {
		f.Close()
		os.Remove(f.Name())
		return "", nil, fmt.Errorf("temporary folder: cannot lock %s (%v)", f.Name(), err)
	}
	return f.Name(), func() { os.Remove(f.Name()); f.Close() }, nil
}

// importWriterAlive says whether the process that recorded the lock file
// at path still runs its import. Without locks (dirLocks false) a file
// still there counts as alive: the import is then taken for dead only
// once it stops beating (StaleImportAfter).
func importWriterAlive(path string) bool {
	if path == "" {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if !dirLocks {
		return true
	}
	locked, err := tryLockDir(f)
	return err == nil && !locked
}
