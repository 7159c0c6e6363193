// Package testkit holds what the tests of several packages share and no
// one package can lend the others without an import cycle: the documents
// under data/testdata, the seed write-up beside the repository, and built
// documents. Only tests import it (TestPackageImports checks).
package testkit

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// root is the module's folder, found from this file's place in it, so a
// test reads the same file from whichever package it runs in.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Fixture reads a document from data/testdata.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(), "data", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// SeedPath is the seed write-up outside the repository, in the shared
// folder beside it.
var SeedPath = filepath.Join(root(), "..", "shared", "seeds", "ml-interview-mistakes.txt")

// Seed reads the seed write-up, and skips the test when it is absent,
// e.g. in a clone without the shared folder.
func Seed(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(SeedPath)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("seed document %s is absent", SeedPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// NestedList is a Markdown list nested depth levels deep, one bold
// question an item: the shape that exhausts a recursive reader.
func NestedList(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat("  ", i) + "- **What is X?**\n")
	}
	return b.String()
}
