package qadoc

import (
	"os"
	"path/filepath"
	"testing"
)

// readFixture reads a document from data/testdata, which the handler and
// command tests share.
func readFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
