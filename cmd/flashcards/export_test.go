package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/srs"
)

// cliHistory gives the CLI-made user a history through the store, on a
// clock of its own: cards in a category of the user's own, a suspended
// card, a re-drill, an undo, and a lapse on a second study day.
func cliHistory(t *testing.T, db, name string) {
	t.Helper()
	ctx := context.Background()
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	clock := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return clock }
	u, err := s.UserByName(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCategory(ctx, u.ID, "System design", "Questions of scale"); err != nil {
		t.Fatal(err)
	}
	var drafts []data.CardDraft
	for i, cat := range []string{"system-design", "accuracy-only", "data-quality", "system-design"} {
		drafts = append(drafts, data.CardDraft{Key: fmt.Sprint("cli:", i), Front: fmt.Sprintf("Question %d of %s", i, name), Back: "Answer", Category: cat, KeyPoints: []string{"a point"}})
	}
	if _, err := s.ImportDrafts(ctx, u.ID, "Notes", drafts, nil); err != nil {
		t.Fatal(err)
	}
	cards, _ := s.ListCards(ctx, u.ID, data.CardFilter{})
	id := map[string]int64{}
	for _, c := range cards {
		id[c.Key] = c.ID
	}
	grade := func(key string, g srs.Grade) {
		t.Helper()
		if _, err := s.GradeCard(ctx, u.ID, data.Grade{CardID: id[key], Grade: g, Step: -1, AnswerMS: 3000}); err != nil {
			t.Fatal(err)
		}
	}
	grade("cli:0", 5)
	grade("cli:1", 2)
	grade("cli:1", 3) // re-drill
	grade("cli:2", 1)
	if _, err := s.Undo(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	grade("cli:2", 4)
	if err := s.SetSuspended(ctx, u.ID, id["cli:3"], true); err != nil {
		t.Fatal(err)
	}
	clock = clock.AddDate(0, 0, 1)
	grade("cli:0", 0) // a lapse
	grade("cli:0", 4) // its re-drill
}

// comparableExport is an export without what a restore may change: its
// time, the user, and card ids (replaced by the card's position).
func comparableExport(t *testing.T, doc []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatalf("export is not JSON: %v: %.300s", err, doc)
	}
	delete(m, "exported_at")
	delete(m, "user")
	pos := map[float64]string{}
	for i, c := range m["cards"].([]any) {
		card := c.(map[string]any)
		pos[card["id"].(float64)] = fmt.Sprint("card#", i)
		card["id"] = pos[card["id"].(float64)]
	}
	for _, r := range m["reviews"].([]any) {
		review := r.(map[string]any)
		review["card_id"] = pos[review["card_id"].(float64)]
	}
	out, _ := json.MarshalIndent(m, "", " ")
	return string(out)
}

func TestExportAndRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fc.db")
	for _, name := range []string{"ada", "bob", "carol"} {
		if _, _, err := runCLI(t, db, "correct horse\n", "user", "add", name); err != nil {
			t.Fatal(err)
		}
	}
	cliHistory(t, db, "ada")

	adaFile := filepath.Join(dir, "ada.json")
	if _, errOut, err := runCLI(t, db, "", "export", "--user", "ada", "-o", adaFile); err != nil || !strings.Contains(errOut, "exported ada (json) to "+adaFile) {
		t.Fatalf("export: %v %s", err, errOut)
	}
	first, err := os.ReadFile(adaFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(adaFile); fi.Mode().Perm() != 0o600 {
		t.Errorf("the export file is readable by others: %v", fi.Mode())
	}
	stdout, _, err := runCLI(t, db, "", "export", "--user", "ada")
	if err != nil || comparableExport(t, []byte(stdout)) != comparableExport(t, first) {
		t.Errorf("export to standard output differs from -o: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".ada.json.*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	out, errOut, err := runCLI(t, db, "", "import", "--user", "bob", adaFile)
	if err != nil || !strings.Contains(out, adaFile+": restored 4 cards and 6 reviews. New categories: system-design. New decks: Notes.") {
		t.Fatalf("restore: %v\n%s%s", err, out, errOut)
	}
	stdout, _, err = runCLI(t, db, "", "export", "--user", "bob")
	if err != nil {
		t.Fatal(err)
	}
	if a, b := comparableExport(t, first), comparableExport(t, []byte(stdout)); a != b {
		t.Errorf("export -> import -> export differs:\n%s\n----\n%s", a, b)
	}

	// A renamed export is still recognized by its content.
	renamed := writeFile(t, dir, "backup.txt", string(first))
	if out, errOut, err := runCLI(t, db, "", "import", "--user", "carol", renamed); err != nil || !strings.Contains(out, "restored 4 cards") {
		t.Errorf("renamed export: %v\n%s%s", err, out, errOut)
	}

	// Refusals leave bob's account as it is.
	before := len(userCards(t, db, "bob"))
	newer := writeFile(t, dir, "newer.json", strings.Replace(string(first), `"version":1`, `"version":2`, 1))
	cut := writeFile(t, dir, "cut.json", string(first[:len(first)/2]))
	_, errOut, err = runCLI(t, db, "", "import", "--user", "bob", adaFile, newer, cut)
	if err == nil || !strings.Contains(err.Error(), "3 of 3 files not imported") {
		t.Errorf("err = %v", err)
	}
	for _, want := range []string{
		adaFile + ": not imported: The account already has progress on",
		newer + ": not imported: This export was made by a newer version of flashcards (export version 2); this server reads version 1",
		cut + ": not imported: The file ends in the middle of",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if after := len(userCards(t, db, "bob")); after != before {
		t.Errorf("refused restores changed bob's cards: %d -> %d", before, after)
	}
}

func TestExportCommandFormats(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fc.db")
	for _, name := range []string{"ada", "bob"} {
		runCLI(t, db, "correct horse\n", "user", "add", name)
		cliHistory(t, db, name)
	}
	zipFile := filepath.Join(dir, "ada.zip")
	if _, _, err := runCLI(t, db, "", "export", "--user", "ada", "--format", "csv", "-o", zipFile); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(zipFile)
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		rows[f.Name] = len(recs) - 1
		if strings.Contains(string(b), "of bob") {
			t.Errorf("%s of ada holds bob's cards", f.Name)
		}
	}
	if rows["cards.csv"] != 4 || rows["reviews.csv"] != 6 || rows["mastery.csv"] != 14 {
		t.Errorf("rows: %v; want 4 cards, 6 reviews, 14 categories", rows)
	}

	anki, _, err := runCLI(t, db, "", "export", "--user", "ada", "--format", "anki")
	if err != nil || !strings.HasPrefix(anki, "#separator:tab\n#html:false\n#tags column:3\nQuestion 0 of ada\tAnswer\tsystem-design\n") || strings.Contains(anki, "bob") {
		t.Errorf("anki export: %v\n%s", err, anki)
	}

	for _, args := range [][]string{
		{"export"},
		{"export", "--user", "nobody"},
		{"export", "--user", "ada", "--format", "xml"},
		{"export", "--user", "ada", "extra"},
		{"export", "--user", "ada", "-o", filepath.Join(dir, "no", "such", "dir", "x.json")},
	} {
		if _, _, err := runCLI(t, db, "", args...); err == nil {
			t.Errorf("%q succeeded", args)
		}
	}
}
