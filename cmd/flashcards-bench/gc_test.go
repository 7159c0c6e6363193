package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// The bench's bare and --inproc runs tune the collector as the server
// does; a change to the server's value must reach the bench too.
func TestGCPercentIsTheServers(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../flashcards/gc.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "serverGCPercent" || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok {
			t.Fatalf("the server's serverGCPercent is not a plain number")
		}
		n2, err := strconv.Atoi(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		found = true
		if n2 != serverGCPercent {
			t.Errorf("the server collects at %d %%, the bench at %d %%", n2, serverGCPercent)
		}
		return false
	})
	if !found {
		t.Error("no serverGCPercent in cmd/flashcards/gc.go")
	}
}
