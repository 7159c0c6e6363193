package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnkiPackageCommands exports a user's cards as an .apkg with the CLI
// and imports the file for another user: the same cards, categories and
// schedules; importing it again adds nothing.
func TestAnkiPackageCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fc.db")
	for _, name := range []string{"ada", "bob"} {
		if _, _, err := runCLI(t, db, "correct horse\n", "user", "add", name); err != nil {
			t.Fatal(err)
		}
	}
	doc := writeFile(t, dir, "notes.md", "## Q: What does recall measure?\nThe share of actual positives found.\nCategory: accuracy-only\n\n"+
		"## Q: Why check for missing values?\nModels trained on holes learn the holes.\n- imputation\n- validation\n")
	if _, errOut, err := runCLI(t, db, "", "import", "--user", "ada", doc); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	pkg := filepath.Join(dir, "ada.apkg")
	if _, errOut, err := runCLI(t, db, "", "export", "--user", "ada", "--format", "apkg", "-o", pkg); err != nil {
		t.Fatalf("export apkg: %v\n%s", err, errOut)
	}
	for range 2 {
		if out, errOut, err := runCLI(t, db, "", "import", "--user", "bob", pkg); err != nil {
			t.Fatalf("import apkg: %v\n%s%s", err, out, errOut)
		}
	}
	summary := func(name string) string {
		var lines []string
		for _, c := range userCards(t, db, name) {
			lines = append(lines, fmt.Sprintf("%s|%s|%s|%v", c.Front, c.Back, c.Category, c.Sched))
		}
		return strings.Join(lines, "\n")
	}
	if a, b := summary("ada"), summary("bob"); a != b || a == "" {
		t.Fatalf("bob's cards after importing ada's package twice:\n%s\nwant ada's:\n%s", b, a)
	}
}
