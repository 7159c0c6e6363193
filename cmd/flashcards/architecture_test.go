package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// module is this repository's import path, as go.mod names it.
const module = "github.com/flashcards/flashcards"

// mayImport says which of our packages a package may import, as
// docs/architecture.md's table does. Packages are module-relative
// ("data", "data/anki"); std reports whether only the standard library
// and our own allowed packages may appear.
func mayImport(pkg, dep string) bool {
	under := func(p, root string) bool { return p == root || strings.HasPrefix(p, root+"/") }
	switch {
	case under(dep, "internal/testkit"):
		return false // tests' helpers: only _test.go files import them
	case under(pkg, "internal/testkit"):
		return false // none of ours, so that any package's tests can import them
	case under(pkg, "srs"):
		return under(dep, "srs")
	case under(pkg, "views"):
		return under(dep, "views") || under(dep, "srs")
	case pkg == "static":
		return false
	case strings.HasPrefix(pkg, "data/"):
		return under(dep, "srs") || strings.HasPrefix(dep, "data/")
	case pkg == "data":
		return under(dep, "srs") || strings.HasPrefix(dep, "data/")
	case pkg == "handlers":
		return under(dep, "data") || under(dep, "srs") || under(dep, "views") || dep == "static"
	case strings.HasPrefix(pkg, "cmd/"):
		return !strings.HasPrefix(dep, "cmd/")
	}
	return false
}

// TestPackageImports keeps the layering of docs/architecture.md: every
// non-test Go file's imports of our own packages are checked against the
// table, and srs imports the standard library only.
func TestPackageImports(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	seen := map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		seen[pkg] = true
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			dep, _ := strconv.Unquote(imp.Path.Value)
			file, _ := filepath.Rel(root, path)
			if dep == module || strings.HasPrefix(dep, module+"/") {
				own := strings.TrimPrefix(strings.TrimPrefix(dep, module), "/")
				if own != pkg && !mayImport(pkg, own) {
					t.Errorf("%s imports %s, which docs/architecture.md forbids for %s", file, own, pkg)
				}
				continue
			}
			isStd := !strings.Contains(strings.SplitN(dep, "/", 2)[0], ".")
			if (pkg == "srs" || strings.HasPrefix(pkg, "srs/")) && !isStd {
				t.Errorf("%s imports %s: srs uses the standard library only", file, dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The walk must have found the packages the table speaks of, or it
	// checked nothing.
	for _, want := range []string{"srs", "views", "static", "data", "handlers", "cmd/flashcards", "internal/testkit", "internal/testkit/ankitest"} {
		if !seen[want] {
			t.Errorf("package %s not found under %s", want, root)
		}
	}
}

// TestMayImport pins the table itself, so a loosened rule shows in review.
func TestMayImport(t *testing.T) {
	for _, tc := range []struct {
		pkg, dep string
		ok       bool
	}{
		{"srs", "data", false},
		{"views", "srs", true},
		{"views", "data", false},
		{"data", "handlers", false},
		{"data", "srs", true},
		{"data/anki", "data", false},
		{"data/anki", "srs", true},
		{"handlers", "views", true},
		{"static", "srs", false},
		{"cmd/flashcards", "handlers", true},
		{"cmd/flashcards-bench", "cmd/flashcards", false},
		{"cmd/flashcards", "internal/testkit", false},
		{"data", "internal/testkit", false},
		{"internal/testkit", "data", false},
		{"cmd/flashcards", "internal/testkit/ankitest", false},
		{"data/anki", "internal/testkit/ankitest", false},
		{"internal/testkit/ankitest", "data/anki", false},
	} {
		if got := mayImport(tc.pkg, tc.dep); got != tc.ok {
			t.Errorf("mayImport(%q, %q) = %v, want %v", tc.pkg, tc.dep, got, tc.ok)
		}
	}
}
