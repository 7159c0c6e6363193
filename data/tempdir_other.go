//go:build !unix

package data

import "os"

// dirLocks is false where there is no flock: a process then removes only
// its own subfolder, and what a killed process left stays until removed
// by hand.
const dirLocks = false

func tryLockDir(*os.File) (bool, error) { return true, nil }
