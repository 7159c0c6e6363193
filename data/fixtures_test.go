package data

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// qaSeedPath is the seed write-up outside the repository. Tests that read
// it skip when it is absent, e.g. in a clone without the shared folder.
var qaSeedPath = filepath.Join("..", "..", "shared", "seeds", "ml-interview-mistakes.txt")

func qaReadSeed(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(qaSeedPath)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("seed document %s is absent", qaSeedPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func qaReadFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
