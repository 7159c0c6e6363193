package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data"
)

// userCards opens the database and returns the user's cards.
func userCards(t *testing.T, db, name string) []data.Card {
	t.Helper()
	ctx := context.Background()
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.UserByName(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	cards, err := s.ListCards(ctx, u.ID, data.CardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return cards
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fc.db")
	if _, _, err := runCLI(t, db, "correct horse\n", "user", "add", "ada"); err != nil {
		t.Fatal(err)
	}
	if n := len(userCards(t, db, "ada")); n != 0 {
		t.Fatalf("a user made on the command line starts with %d cards, want none", n)
	}
	sample, err := os.ReadFile(filepath.Join("..", "..", "data", "testdata", "qa-sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	qa := writeFile(t, dir, "qa-sample.txt", string(sample))
	csv := writeFile(t, dir, "trees.csv", "front,back\nWhat is a B-tree?,A balanced search tree.\n")

	out, _, err := runCLI(t, db, "", "import", "--user", "ada", "--category", "coding-fundamentals", qa, csv)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		qa + `: 5 cards found, 5 added, 0 already there, in the deck "qa-sample".`,
		csv + `: 1 card found, 1 added, 0 already there, in the deck "trees".`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	cards := userCards(t, db, "ada")
	if len(cards) != 6 {
		t.Fatalf("%d cards, want 6", len(cards))
	}
	for _, c := range cards {
		if c.Deck == "trees" && c.Category != "coding-fundamentals" {
			t.Errorf("--category not used for the table's card: %+v", c)
		}
	}

	out, _, err = runCLI(t, db, "", "import", "--user", "ada", qa)
	if err != nil || !strings.Contains(out, "5 cards found, 0 added, 5 already there") {
		t.Errorf("second import: %v\n%s", err, out)
	}
	if n := len(userCards(t, db, "ada")); n != 6 {
		t.Errorf("second import changed the count to %d", n)
	}
}

// The command names a CSV quoting error as the web form does
// (TestImportCSVQuoteErrorNamesTheLineToFix): at the line where the quoted
// field opens, with how to fix it.
func TestImportCommandCSVQuoteError(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fc.db")
	runCLI(t, db, "correct horse\n", "user", "add", "ada")
	bad := writeFile(t, dir, "trees.csv", "front,back\nWhat is a B-tree?,\"A balanced tree\nWhat is a heap?,A priority queue\nWhat is a trie?,A prefix tree\n")
	_, errOut, err := runCLI(t, db, "", "import", "--user", "ada", bad)
	if err == nil {
		t.Fatal("the import succeeded")
	}
	want := bad + `:2: a quoted field starts here and its closing quote is missing; close it with " (a quote inside a quoted field is written ""); rows after it were not read` + "\n"
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut)
	}
	if cards := userCards(t, db, "ada"); len(cards) != 0 {
		t.Errorf("%d cards stored", len(cards))
	}
}

// A file with a problem adds nothing and the command fails, naming each
// problem with its line; the good files beside it are still imported.
func TestImportCommandRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fc.db")
	runCLI(t, db, "correct horse\n", "user", "add", "ada")
	good := writeFile(t, dir, "good.txt", "Q1. What is drift?\nAns: The data changes under a deployed model.\n")
	bad := writeFile(t, dir, "bad.txt", "Q1. What is a baseline?\nAns: The simplest model.\n\nAns: An answer without a question.\n")
	latin1 := writeFile(t, dir, "latin1.txt", "Q1. Caf\xe9?\nAns: Tea.\n")
	export := writeFile(t, dir, "backup.json", `{"cards": []}`)

	out, errOut, err := runCLI(t, db, "", "import", "--user", "ada", bad, good, latin1, export, filepath.Join(dir, "missing.txt"))
	if err == nil || !strings.Contains(err.Error(), "4 of 5 files not imported") {
		t.Errorf("err = %v", err)
	}
	if !strings.Contains(out, good+": 1 card found, 1 added") {
		t.Errorf("the good file was not imported:\n%s", out)
	}
	for _, want := range []string{
		bad + ": not imported: The document has 1 problem:",
		bad + ":4: a second answer",
		latin1 + ": not imported: The document is not UTF-8 text",
		export + ": not imported: This is not a flashcards export",
		"missing.txt: not imported: open",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if cards := userCards(t, db, "ada"); len(cards) != 1 {
		t.Errorf("%d cards stored, want only the good file's one", len(cards))
	}

	for _, args := range [][]string{
		{"import", good},
		{"import", "--user", "ada"},
		{"import", "--user", "nobody", good},
		{"import", "--user", "ada", "--category", "no-such-category", good},
		{"import", "--user", "ada", good, "--category", "no-such-category"},
	} {
		if _, _, err := runCLI(t, db, "", args...); err == nil {
			t.Errorf("%q succeeded", args)
		}
	}
}

// Large imports report every tenth on stderr, as the store calls back
// every thousand cards; small ones say nothing until their summary.
func TestImportProgress(t *testing.T) {
	var b bytes.Buffer
	progress := importProgress(&b, "big.csv")
	for done := 0; done < 25_000; done += 1000 {
		progress(done, 25_000)
	}
	progress(25_000, 25_000)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 10 || lines[0] != "big.csv: 12% (3000 of 25000 cards)" || lines[9] != "big.csv: 100% (25000 of 25000 cards)" {
		t.Errorf("progress lines:\n%s", b.String())
	}
	b.Reset()
	small := importProgress(&b, "small.csv")
	small(0, importProgressFrom)
	small(importProgressFrom, importProgressFrom)
	if b.Len() != 0 {
		t.Errorf("a small import printed progress: %q", b.String())
	}
}

// The seed write-up, when the shared folder has it, becomes the cards its
// twelve Q&As promise: one per Q&A and one per list, in twelve categories.
func TestImportSeedWriteUp(t *testing.T) {
	seed := filepath.Join("..", "..", "..", "shared", "seeds", "ml-interview-mistakes.txt")
	if _, err := os.Stat(seed); err != nil {
		t.Skipf("no seed write-up at %s", seed)
	}
	db := filepath.Join(t.TempDir(), "fc.db")
	runCLI(t, db, "correct horse\n", "user", "add", "ada")
	out, _, err := runCLI(t, db, "", "import", "--user", "ada", seed)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "ml-interview-mistakes.txt: 14 cards found, 14 added, 0 already there") {
		t.Errorf("summary: %s", out)
	}
	cards := userCards(t, db, "ada")
	basic, lists := 0, 0
	categories, sources := map[string]bool{}, map[string]bool{}
	for _, c := range cards {
		categories[c.Category] = true
		sources[c.Source] = true
		switch {
		case strings.HasSuffix(c.Front, "?"):
			basic++
		case strings.HasSuffix(c.Front, "(5 points)") && len(c.KeyPoints) == 5:
			lists++
		default:
			t.Errorf("neither a Q&A nor a list card: %q", c.Front)
		}
	}
	if basic != 12 || lists != 2 || len(sources) != 12 {
		t.Errorf("%d Q&A cards and %d list cards from %d Q&As; want 12 and 2 from 12", basic, lists, len(sources))
	}
	if len(categories) != 12 || categories[data.UncategorizedSlug] {
		t.Errorf("cards in %d categories %v, want the 12 built-in ones", len(categories), categories)
	}
}

// A saved web page and a Markdown write-up with unanswered questions
// import from the command line as from the import page: the skipped
// questions are listed as file:line, and --ignore-headings files every
// card by --category instead of by its section.
func TestImportDocumentsWithTheirReport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fc.db")
	if _, _, err := runCLI(t, db, "correct horse\n", "user", "add", "ada"); err != nil {
		t.Fatal(err)
	}
	pageHTML, err := os.ReadFile(filepath.Join("..", "..", "data", "testdata", "qa-page.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := writeFile(t, dir, "qa-page.html", string(pageHTML))
	md := writeFile(t, dir, "storage.md", "# Storage\n\n## Disks\n\n**What is a sector?**\n\nThe smallest unit a disk writes.\n\n"+
		"**What is TRIM?**\n\nAnswer here\n\n## Files\n\n**What is an inode?**\n\nThe record of a file's metadata.\n")

	out, _, err := runCLI(t, db, "", "import", "--user", "ada", page, md)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		page + `: 6 cards found, 6 added, 0 already there, in the deck "qa-page". New categories: basics, delivery, flow-control.`,
		md + `: 2 cards found, 2 added, 0 already there, in the deck "storage". New categories: disks, files.`,
		md + ": 1 question skipped, for want of an answer:\n" + md + `:9: "What is TRIM?": a placeholder ("Answer here")`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, c := range userCards(t, db, "ada") {
		if strings.ContainsAny(c.Front+c.Back, "<>") {
			t.Errorf("markup on a card: %q / %q", c.Front, c.Back)
		}
	}

	again := writeFile(t, dir, "storage-2.md", strings.ReplaceAll(string(mustRead(t, md)), "What is", "Define"))
	if _, _, err := runCLI(t, db, "", "import", "--user", "ada", "--ignore-headings", "--category", "data-quality", again); err != nil {
		t.Fatal(err)
	}
	for _, c := range userCards(t, db, "ada") {
		if c.Deck == "storage-2" && c.Category != "data-quality" {
			t.Errorf("--ignore-headings: %q filed under %q", c.Front, c.Category)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
