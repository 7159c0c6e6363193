//go:build unix

package data

import (
	"errors"
	"os"
	"syscall"
)

// dirLocks says whether tryLockDir really locks, so stale folders can be told.
const dirLocks = true

// tryLockDir takes an exclusive flock on the open folder without waiting:
// false when another open file holds it. The kernel lets go of the lock
// when the file is closed or its process ends, however it ends.
func tryLockDir(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}
