package data

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/flashcards/flashcards/data/exportdoc"
	"github.com/flashcards/flashcards/data/format"
	"github.com/flashcards/flashcards/srs"
)

// exportFixture is an account with a history worth exporting: the built-in
// deck (synonyms) with one card edited, cards of its own in a category of
// its own, an empty deck, a suspended card, a typed answer, a re-drill, an
// undo and a lapse over two study days. It returns the store, the user and
// the clock.
func exportFixture(t testing.TB) (*Store, User, *time.Time) {
	t.Helper()
	ctx := context.Background()
	s := openExportStore(t)
	clock := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return clock }
	st := DefaultSettings()
	st.Timezone, st.NewPerDay, st.TypeAnswers = "Europe/Berlin", 10, true
	u, err := s.CreateUserWithBuiltinDeck(ctx, "ada", "correct horse", st)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err = s.CreateCategory(ctx, u.ID, "System design", "Scaling & <b>trade-offs</b>")
	must(err)
	_, err = s.CreateDeck(ctx, u.ID, "Empty deck")
	must(err)
	_, err = s.ImportDrafts(ctx, u.ID, "Interview notes", []CardDraft{
		{Key: "note:a", Front: "=SUM(A1:A9) is what?", Back: "A formula.\nWith a second line,\ta tab and \"quotes\".", Category: "system-design", KeyPoints: []string{"+sum", "cells"}, Source: "notes.md Q1"},
		{Key: "note:b", Front: "Größe — über alles?", Back: "@mention and -1", Category: "accuracy-only", KeyPoints: []string{"recall"}},
		{Key: "note:c", Front: "Why look at data first?", Back: "Gaps and outliers.", Category: "data-quality", KeyPoints: []string{"missing values", "outliers"}},
	}, nil)
	must(err)
	typed, err := s.CreateCard(ctx, u.ID, CardInput{Front: "Typed in by hand", Back: "Yes", Category: "system-design", KeyPoints: []string{"by hand"}})
	must(err)
	id := map[string]int64{}
	cards, err := s.ListCards(ctx, u.ID, CardFilter{})
	must(err)
	for _, c := range cards {
		id[c.Key] = c.ID
	}
	builtin := id[builtinKey("mlim-memorizing-definitions-1")]
	must(s.UpdateCard(ctx, u.ID, builtin, CardInput{Front: "Edited: the most frequent mistake?", Back: "Reciting definitions.", Category: "memorizing-definitions"}))

	// Day 1: a pass, a fail with re-drills, a typed answer, an undo.
	gradeCard := func(key string, g srs.Grade, typed string) {
		t.Helper()
		_, err := s.GradeCard(ctx, u.ID, Grade{CardID: id[key], Grade: g, Step: -1, AnswerMS: 4200, TypedAnswer: typed})
		must(err)
	}
	gradeCard("note:a", 5, "")
	gradeCard("note:b", 2, "")
	gradeCard("note:b", 3, "") // re-drill
	gradeCard("note:c", 4, "outliers, and <gaps>")
	gradeCard(typed.Key, 1, "")
	_, err = s.Undo(ctx, u.ID)
	must(err)
	gradeCard(typed.Key, 4, "")
	gradeCard(builtinKey("mlim-memorizing-definitions-1"), 3, "")
	must(s.SetSuspended(ctx, u.ID, id["note:c"], true))

	// Day 2: a lapse and its re-drill, and a re-drilled card passes.
	clock = clock.AddDate(0, 0, 1)
	gradeCard("note:a", 1, "")
	gradeCard("note:a", 4, "")
	gradeCard("note:b", 5, "")
	return s, u, &clock
}

// openExportStore is openTestStore for benchmarks too.
func openExportStore(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(context.Background(), filepath.Join(tb.TempDir(), "export.db"))
	if err != nil {
		tb.Fatal(err)
	}
	s.PasswordCost = bcrypt.MinCost
	tb.Cleanup(func() { s.Close() })
	return s
}

func exportJSON(t testing.TB, s *Store, userID int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.ExportJSON(context.Background(), userID, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// comparableExport is an export with what a restore may change taken out:
// its own time, the user, and card ids (replaced by the card's position).
func comparableExport(t testing.TB, doc []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatalf("export is not JSON: %v", err)
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

// tableCounts counts the rows of a user's data, to show a refused restore
// changed nothing.
func tableCounts(t testing.TB, s *Store, userID int64) string {
	t.Helper()
	var out []string
	for _, table := range []string{"cards", "card_state", "reviews", "categories", "decks"} {
		var n int
		if err := s.reader.QueryRow("SELECT COUNT(*) FROM "+table+" WHERE user_id = ?", userID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s=%d", table, n))
	}
	st, err := s.UserSettings(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ") + fmt.Sprintf(" settings=%+v", st)
}

func TestExportJSONDocument(t *testing.T) {
	s, u, _ := exportFixture(t)
	doc := exportJSON(t, s, u.ID)
	var m struct {
		Format     string               `json:"format"`
		Version    int                  `json:"version"`
		ExportedAt string               `json:"exported_at"`
		User       exportdoc.User       `json:"user"`
		Settings   exportdoc.Settings   `json:"settings"`
		Categories []exportdoc.Category `json:"categories"`
		Decks      []exportdoc.Deck     `json:"decks"`
		Cards      []exportdoc.Card     `json:"cards"`
		Reviews    []exportdoc.Review   `json:"reviews"`
		Mastery    MasteryTable         `json:"mastery"`
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode: %v\n%.500s", err, doc)
	}
	if !bytes.HasPrefix(doc, []byte(`{"format":"flashcards-export","version":1,`)) || format.Detect("export", doc) != format.Export {
		t.Errorf("the document does not start with its format and version: %.80s", doc)
	}
	if m.ExportedAt != "2026-03-11T12:00:00Z" || m.User.Name != "ada" || m.Settings.Timezone != "Europe/Berlin" || !m.Settings.TypeAnswers {
		t.Errorf("header: %s %+v %+v", m.ExportedAt, m.User, m.Settings)
	}
	if len(m.Categories) != 14 || m.Categories[13].Slug != "system-design" || m.Categories[13].Builtin || !m.Categories[0].Builtin {
		t.Errorf("categories: %+v", m.Categories)
	}
	if len(m.Decks) != 4 {
		t.Errorf("decks: %+v", m.Decks)
	}
	if len(m.Cards) != 41 || len(m.Reviews) != 9 {
		t.Fatalf("%d cards and %d reviews, want 41 and 9", len(m.Cards), len(m.Reviews))
	}
	byKey := map[string]exportdoc.Card{}
	for _, c := range m.Cards {
		byKey[c.Key] = c
	}
	a := byKey["note:a"]
	if a.State.Lapses != 1 || a.State.Repetitions != 0 || a.State.Interval != 1 || a.State.Due.String() != "2026-03-12" || a.State.LastDay.String() != "2026-03-11" {
		t.Errorf("card a after its lapse: %+v", a.State)
	}
	if !byKey["note:c"].Suspended || !byKey[builtinKey("mlim-memorizing-definitions-1")].Edited || len(byKey[builtinKey("mlim-accuracy-only-1")].Synonyms) == 0 && len(byKey[builtinKey("mlim-memorizing-definitions-2")].Synonyms) == 0 {
		t.Errorf("suspended, edited or synonyms lost")
	}
	if n := byKey["note:b"]; n.State.Due != nil && n.State.Repetitions != 1 {
		t.Errorf("card b: %+v", n.State)
	}
	var redrills, typed int
	for _, r := range m.Reviews {
		if !r.Counted {
			redrills++
			if r.After != r.Before.Sched && !(r.After.Due != nil && r.Before.Due != nil && *r.After.Due == *r.Before.Due) {
				t.Errorf("a re-drill changed the state: %+v -> %+v", r.Before, r.After)
			}
		}
		if r.Covered != nil {
			typed++
			if r.TypedAnswer != "outliers, and <gaps>" || r.Covered.Missed[0] != "missing values" {
				t.Errorf("typed answer: %+v %+v", r.TypedAnswer, r.Covered)
			}
		}
		if _, err := time.Parse(time.RFC3339, r.Time); err != nil || !strings.HasSuffix(r.Time, "Z") {
			t.Errorf("review time %q is not RFC 3339 UTC", r.Time)
		}
	}
	if redrills != 2 || typed != 1 {
		t.Errorf("%d re-drills and %d typed answers, want 2 and 1", redrills, typed)
	}
	rep, err := s.Mastery(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(m.Mastery)
	want, _ := json.Marshal(rep.Table())
	if string(got) != string(want) || m.Mastery.Weakest == nil {
		t.Errorf("mastery:\n got %s\nwant %s", got, want)
	}
}

func TestExportRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, u, _ := exportFixture(t)
	first := exportJSON(t, s, u.ID)

	bob, err := s.CreateUser(ctx, "bob", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.RestoreExport(ctx, bob.ID, bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	if res.Cards != 41 || res.Reviews != 9 || strings.Join(res.NewCategories, ",") != "system-design" || len(res.NewDecks) != 4 {
		t.Errorf("restore result: %+v", res)
	}
	second := exportJSON(t, s, bob.ID)
	if a, b := comparableExport(t, first), comparableExport(t, second); a != b {
		t.Errorf("export -> restore -> export differs:\n%s", lineDiff(a, b))
	}
	// An editor's byte order mark in front is no problem.
	carol, err := s.CreateUser(ctx, "carol", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestoreExport(ctx, carol.ID, bytes.NewReader(append([]byte("\uFEFF"), first...))); err != nil {
		t.Errorf("restore with a byte order mark: %v", err)
	}
	// The restored account works: undo takes back today's last grade, card
	// b's pass, back to the state its failure yesterday left.
	r, err := s.Undo(ctx, bob.ID)
	if err != nil || r.State.Repetitions != 0 || r.State.Ease != 218 || r.Lapses != 0 {
		t.Errorf("undo after restore: %+v, %v", r, err)
	}

	// Restoring again would give the cards two histories: refused, unchanged.
	before := tableCounts(t, s, bob.ID)
	_, err = s.RestoreExport(ctx, bob.ID, bytes.NewReader(first))
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "already has progress on") || !strings.Contains(err.Error(), `"ML interview mistakes"`) {
		t.Errorf("second restore: %v, want a conflict naming the count and the decks", err)
	}
	if after := tableCounts(t, s, bob.ID); after != before {
		t.Errorf("a refused restore changed the account:\n%s\n%s", before, after)
	}

	// A new account that only has the untouched built-in deck (as sign-up
	// gives) takes the export: those cards have no history to lose.
	dave, err := s.CreateUserWithBuiltinDeck(ctx, "dave", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestoreExport(ctx, dave.ID, bytes.NewReader(first)); err != nil {
		t.Fatalf("restore into a fresh account with the built-in deck: %v", err)
	}
	if n, _ := s.CountCards(ctx, dave.ID); n != 41 {
		t.Errorf("dave has %d cards after the restore, want the export's 41", n)
	}
}

// lineDiff shows the first lines where two texts differ.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			lo := max(i-3, 0)
			return fmt.Sprintf("at line %d:\n- %s\n+ %s", i+1, strings.Join(al[lo:min(i+3, len(al))], "\n- "), strings.Join(bl[lo:min(i+3, len(bl))], "\n+ "))
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(al), len(bl))
}

func readZip(t *testing.T, b []byte) map[string][][]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.HasPrefix(raw, []byte("\uFEFF")) {
			t.Errorf("%s does not start with a byte order mark", f.Name)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = recs
	}
	return out
}

func TestExportCSV(t *testing.T) {
	s, u, _ := exportFixture(t)
	var buf bytes.Buffer
	if err := s.ExportCSV(context.Background(), u.ID, &buf); err != nil {
		t.Fatal(err)
	}
	files := readZip(t, buf.Bytes())
	for name, want := range map[string]struct {
		header []string
		rows   int
	}{
		"cards.csv":   {exportdoc.CardColumns, 41},
		"reviews.csv": {exportdoc.ReviewColumns, 9},
		"mastery.csv": {exportdoc.MasteryColumns, 14},
	} {
		recs := files[name]
		if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(want.header, ",") {
			t.Errorf("%s header: %v", name, recs)
			continue
		}
		if len(recs)-1 != want.rows {
			t.Errorf("%s: %d rows, want %d", name, len(recs)-1, want.rows)
		}
	}
	cells := map[string]bool{}
	for _, rec := range files["cards.csv"][1:] {
		for _, c := range rec {
			cells[c] = true
		}
	}
	for _, want := range []string{
		"'=SUM(A1:A9) is what?", // formula guard
		"'@mention and -1",      // formula guard
		"'+sum\ncells",          // key points, one per line, guarded
		"Größe — über alles?",   // UTF-8 intact
		"A formula.\nWith a second line,\ta tab and \"quotes\".", // quoting
	} {
		if !cells[want] {
			t.Errorf("cards.csv lacks the cell %q", want)
		}
	}
	var covered bool
	for _, rec := range files["reviews.csv"][1:] {
		if rec[19] == "outliers" && rec[20] == "missing values" && rec[18] == "outliers, and <gaps>" {
			covered = true
		}
		if _, err := time.Parse(time.RFC3339, rec[0]); err != nil {
			t.Errorf("review time %q", rec[0])
		}
	}
	if !covered {
		t.Error("reviews.csv lacks the typed answer and its coverage")
	}
}

func TestExportAnki(t *testing.T) {
	s, u, _ := exportFixture(t)
	var buf bytes.Buffer
	if err := s.ExportAnki(context.Background(), u.ID, &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "#separator:tab\n#html:false\n#tags column:3\n") {
		t.Fatalf("header lines: %.100q", out)
	}
	r := csv.NewReader(strings.NewReader(out))
	r.Comma, r.Comment = '\t', '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 41 {
		t.Errorf("%d notes, want 41", len(recs))
	}
	found := false
	for _, rec := range recs {
		if len(rec) != 3 || strings.ContainsAny(rec[2], " \t") {
			t.Fatalf("note %q: want front, back and one tag", rec)
		}
		if rec[0] == "=SUM(A1:A9) is what?" && rec[2] == "system-design" && strings.Contains(rec[1], "\n") {
			found = true
		}
	}
	if !found {
		t.Error("the card with a formula-like front and a two-line back is not exported as it is")
	}
}

func TestExportHoldsOnlyTheUsersData(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	var ids []int64
	for _, name := range []string{"ada", "bob"} {
		u := cardsTestUser(t, s, name)
		ids = append(ids, u.ID)
		if _, err := s.CreateCategory(ctx, u.ID, "Marker "+name, "only "+name); err != nil {
			t.Fatal(err)
		}
		c, err := s.CreateCard(ctx, u.ID, CardInput{Front: "MARKER-" + name, Back: "secret of " + name, Category: "marker-" + name})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.GradeCard(ctx, u.ID, Grade{CardID: c.ID, Grade: 4, Step: -1, TypedAnswer: "typed by " + name}); err != nil {
			t.Fatal(err)
		}
	}
	for _, kind := range []ExportKind{ExportJSON, ExportCSV, ExportAnki} {
		var buf bytes.Buffer
		if err := s.Export(ctx, ids[0], kind, &buf); err != nil {
			t.Fatal(err)
		}
		text := buf.String()
		if kind == ExportCSV {
			var all strings.Builder
			for _, recs := range readZip(t, buf.Bytes()) {
				for _, rec := range recs {
					all.WriteString(strings.Join(rec, "|"))
				}
			}
			text = all.String()
		}
		if !strings.Contains(text, "MARKER-ada") || strings.Contains(text, "bob") {
			t.Errorf("%s export of ada: has ada %v, mentions bob %v", kind, strings.Contains(text, "MARKER-ada"), strings.Contains(text, "bob"))
		}
	}
}

// validExport is a small, correct export to break in different ways.
func validExport(t *testing.T) (*Store, User, []byte) {
	s, u, _ := exportFixture(t)
	return s, u, exportJSON(t, s, u.ID)
}

func TestRestoreRefusesBadFiles(t *testing.T) {
	ctx := context.Background()
	s, _, doc := validExport(t)
	target, err := s.CreateUser(ctx, "bob", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	header := `{"format":"flashcards-export","version":1,`
	edit := func(old, new string) string {
		if !bytes.Contains(doc, []byte(old)) {
			t.Fatalf("the export lacks %q", old)
		}
		return strings.Replace(string(doc), old, new, 1)
	}
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	manyCards := `{"cards":[` + strings.Repeat("{},", 1_000_000) + `{}]}`
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"empty", "", "empty"},
		{"not JSON", "Q1. What?\nAns: this.", "not valid JSON"},
		{"truncated", string(doc[:len(doc)/2]), "cut short"},
		{"truncated in the header", header[:30], "cut short"},
		{"an array", `[{"format":"flashcards-export"}]`, "not a flashcards export"},
		{"deep nesting", deep, "not a flashcards export"},
		{"deep nesting inside", header + `"settings":` + deep + `}`, "nested"},
		{"deep nesting in the mastery table", header + `"mastery":` + deep + `}`, "nested"},
		{"a million cards and no header", manyCards, "not a flashcards export"},
		{"a million empty cards", header + `"cards":[` + strings.Repeat("{},", 1_000_000) + `{}]}`, "Card 1 (id 0): the id must be"},
		{"other format", `{"format":"anki","version":1}`, "not a flashcards export"},
		{"newer version", strings.Replace(string(doc), `"version":1`, `"version":2`, 1), "made by a newer version of flashcards (export version 2); this server reads version 1"},
		{"version after the rest", `{"format":"flashcards-export","cards":[],"version":1}`, "must start with"},
		{"grade 6", edit(`"grade":5`, `"grade":6`), "grade 6"},
		{"ease below 130", edit(`"ease":250`, `"ease":120`), "ease 120"},
		{"interval too long", edit(`"interval":1,`, `"interval":36501,`), "interval 36501"},
		{"negative repetitions", edit(`"repetitions":1,`, `"repetitions":-1,`), "repetitions -1"},
		{"bad study day", edit(`"study_day":"2026-03-10"`, `"study_day":"2026-02-30"`), "2026-02-30"},
		{"dangling card", edit(`"card_id":`, `"card_id":999999,"x":`), "unknown field"},
		{"review of a missing card", strings.Replace(string(doc), `{"card_id":`, `{"card_id":9999`, 1), "not in the export"},
		{"unknown member", edit(`"settings":`, `"colour":"blue","settings":`), "unknown member"},
		{"duplicate member", edit(`"settings":`, `"decks":[],"settings":`), "twice"},
		{"bad time zone", edit(`"timezone":"Europe/Berlin"`, `"timezone":"Mars/Olympus"`), "time zone"},
		{"front too long", edit(`"front":"Typed in by hand"`, `"front":"`+strings.Repeat("x", MaxCardTextRunes+1)+`"`), "longer than"},
		{"not UTF-8", edit(`"front":"Typed in by hand"`, "\"front\":\"Typed \xff\xfe by hand\""), "not UTF-8"},
		{"trailing data", string(doc) + `{"format":"flashcards-export"}`, "goes on after"},
		{"a string for a number", edit(`"grade":5`, `"grade":"5"`), "grade"},
		{"no cards", `{"format":"flashcards-export","version":1,"settings":{"timezone":"UTC","rollover_hour":4,"new_per_day":20,"reviews_per_day":200,"type_answers":false},"categories":[],"decks":[],"reviews":[]}`, `no "cards"`},
		{"unknown category", edit(`"category":"system-design"`, `"category":"nowhere"`), "not among the export's categories"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tableCounts(t, s, target.ID)
			_, err := s.RestoreExport(ctx, target.ID, strings.NewReader(tc.doc))
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want ErrInvalid mentioning %q", err, tc.want)
			}
			if after := tableCounts(t, s, target.ID); after != before {
				t.Errorf("a refused restore changed the account:\n%s\n%s", before, after)
			}
		})
	}
}

// heavyExportUser gives a user cards and reviews written straight into
// SQLite, as fast as a benchmark needs them.
func heavyExportUser(b *testing.B, s *Store, cards, reviews int) int64 {
	b.Helper()
	ctx := context.Background()
	u, err := s.CreateUser(ctx, fmt.Sprint("heavy", reviews), "correct horse", DefaultSettings())
	if err != nil {
		b.Fatal(err)
	}
	drafts := make([]CardDraft, cards)
	cats := BuiltinCategories()
	for i := range drafts {
		drafts[i] = CardDraft{Key: fmt.Sprint("k", i), Front: fmt.Sprint("question ", i, " about something"), Back: "an answer of a sentence or two",
			Category: cats[i%len(cats)].Slug, KeyPoints: []string{"first point", "second point"}}
	}
	if _, err := s.ImportDrafts(ctx, u.ID, "heavy", drafts, nil); err != nil {
		b.Fatal(err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		var first int64
		if err := tx.QueryRowContext(ctx, "SELECT MIN(id) FROM cards WHERE user_id = ?", u.ID).Scan(&first); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO reviews (user_id, card_id, reviewed_at, study_day, grade, counted, answer_ms,
			before_repetitions, before_interval, before_ease, before_due, before_lapses, before_last_day,
			after_repetitions, after_interval, after_ease, after_due, after_lapses, category_id)
			VALUES (?, ?, ?, ?, ?, 1, 4000, 1, 3, 250, ?, 0, ?, 2, 8, 250, ?, 0, (SELECT category_id FROM card_state WHERE card_id = ?))`)
		if err != nil {
			return err
		}
		defer ins.Close()
		day0 := srs.DateOf(2025, 1, 1)
		for i := range reviews {
			card := first + int64(i%cards)
			day := day0.AddDays(i / 300)
			at := formatTime(time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, i/300))
			if _, err := ins.ExecContext(ctx, u.ID, card, at, int(day), i%6, int(day), int(day.AddDays(-3)), int(day.AddDays(8)), card); err != nil {
				return err
			}
		}
		// Each card is left as its last review left it, so the export
		// restores without contradiction.
		_, err = tx.ExecContext(ctx, `UPDATE card_state SET repetitions = 2, interval = 8,
			last_day = (SELECT MAX(r.study_day) FROM reviews r WHERE r.card_id = card_state.card_id),
			due = (SELECT MAX(r.study_day) + 8 FROM reviews r WHERE r.card_id = card_state.card_id) WHERE user_id = ?`, u.ID)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	// The fixture wrote its rows behind the store's back: give them what
	// the store would have written with them.
	if _, err := s.writer.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, CAST('pending' AS BLOB))", effectsBackfillKey); err != nil {
		b.Fatal(err)
	}
	if _, err := s.backfillEffects(ctx); err != nil {
		b.Fatal(err)
	}
	return u.ID
}

// heapWatcher is an io.Writer that throws the export away and samples the
// Go heap every MiB written, keeping the highest HeapInuse seen.
type heapWatcher struct {
	written, next int64
	peak          uint64
}

func (h *heapWatcher) Write(p []byte) (int, error) {
	h.written += int64(len(p))
	if h.written >= h.next {
		h.next += 1 << 20
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		h.peak = max(h.peak, ms.HeapInuse)
	}
	return len(p), nil
}

// BenchmarkExport100kReviews exports a user with 10,000 cards and 10,000 or
// 100,000 reviews. B/op grows with the rows (each row's short-lived
// garbage); peak-heap-MiB, the most Go heap in use while the export is
// written, must not: nothing holds the whole history.
func BenchmarkExport100kReviews(b *testing.B) {
	s := openExportStore(b)
	for _, reviews := range []int{10_000, 100_000} {
		uid := heavyExportUser(b, s, 10_000, reviews)
		for _, kind := range []ExportKind{ExportJSON, ExportCSV} {
			b.Run(fmt.Sprintf("%s/%dk", kind, reviews/1000), func(b *testing.B) {
				b.ReportAllocs()
				var peak, base uint64
				var size int64
				for b.Loop() {
					runtime.GC()
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					base = ms.HeapInuse
					h := &heapWatcher{}
					if err := s.Export(context.Background(), uid, kind, h); err != nil {
						b.Fatal(err)
					}
					peak, size = max(peak, h.peak-min(h.peak, base)), h.written
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(size)/(1<<20), "output-MiB")
			})
		}
	}
}

// BenchmarkRestore100kReviews restores the export of 10,000 cards and
// 100,000 reviews into a fresh account; write-ms is the part that holds
// the writer, after the file is read and checked.
func BenchmarkRestore100kReviews(b *testing.B) {
	ctx := context.Background()
	s := openExportStore(b)
	uid := heavyExportUser(b, s, 10_000, 100_000)
	var doc bytes.Buffer
	if err := s.ExportJSON(ctx, uid, &doc); err != nil {
		b.Fatal(err)
	}
	var write time.Duration
	i := 0
	for b.Loop() {
		i++
		u, err := s.CreateUser(ctx, fmt.Sprint("target", i), "correct horse", DefaultSettings())
		if err != nil {
			b.Fatal(err)
		}
		exp, err := ReadExport(bytes.NewReader(doc.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := s.Restore(ctx, u.ID, exp); err != nil {
			b.Fatal(err)
		}
		write += time.Since(start)
	}
	b.ReportMetric(float64(doc.Len())/(1<<20), "export-MiB")
	b.ReportMetric(float64(write.Milliseconds())/float64(i), "write-ms")
}

// The interview (its date, scope, final pass and pacing) leaves with the
// export and comes back with the restore, its scope by category slug; an
// export made before it carried one restores leaving the account's.
func TestExportRestoreInterview(t *testing.T) {
	ctx := context.Background()
	s, u, _ := exportFixture(t)
	// Set while the day is still ahead; by the restore it has passed, and
	// stays, as it may in the settings.
	day := srs.DateOf(2026, 3, 11)
	setInterview(t, s, u.ID, day, 5, false, "system-design", "data-quality")
	doc := exportJSON(t, s, u.ID)
	want := `"interview_date":"2026-03-11","interview_scope":["data-quality","system-design"],"final_days":5,"new_cards_on_time":false`
	if !bytes.Contains(doc, []byte(want)) {
		t.Fatalf("the export's settings lack %s:\n%s", want, doc[:bytes.Index(doc, []byte(`"categories"`))])
	}
	bob, err := s.CreateUser(ctx, "bob", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestoreExport(ctx, bob.ID, bytes.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	iv, err := s.Interview(ctx, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%+v", iv); got != fmt.Sprintf("%+v", InterviewSettings{Date: day, HasDate: true, Scope: []string{"data-quality", "system-design"}, FinalDays: 5}) {
		t.Errorf("bob's interview after the restore: %s", got)
	}
	if a, b := comparableExport(t, doc), comparableExport(t, exportJSON(t, s, bob.ID)); a != b {
		t.Errorf("export -> restore -> export differs:\n%s", lineDiff(a, b))
	}

	// An older export, without the interview: the account's stays.
	old := bytes.Replace(doc, []byte(","+want), nil, 1)
	if bytes.Equal(old, doc) {
		t.Fatal("could not take the interview out of the export")
	}
	carol, err := s.CreateUser(ctx, "carol", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	setInterview(t, s, carol.ID, srs.DateOf(2026, 4, 1), 2, true, "accuracy-only")
	if _, err := s.RestoreExport(ctx, carol.ID, bytes.NewReader(old)); err != nil {
		t.Fatal(err)
	}
	if iv, _ := s.Interview(ctx, carol.ID); !iv.HasDate || iv.Date != srs.DateOf(2026, 4, 1) || iv.FinalDays != 2 || strings.Join(iv.Scope, ",") != "accuracy-only" {
		t.Errorf("an export without an interview changed carol's: %+v", iv)
	}
	// No date and every category: written as null and [], restored so.
	dave, err := s.CreateUser(ctx, "dave", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	setInterview(t, s, dave.ID, srs.DateOf(2026, 4, 1), 2, true, "accuracy-only")
	none := bytes.Replace(doc, []byte(want), []byte(`"interview_date":null,"interview_scope":[],"final_days":3,"new_cards_on_time":true`), 1)
	if _, err := s.RestoreExport(ctx, dave.ID, bytes.NewReader(none)); err != nil {
		t.Fatal(err)
	}
	if iv, _ := s.Interview(ctx, dave.ID); iv.HasDate || len(iv.Scope) != 0 || iv.FinalDays != 3 || !iv.NewOnTime {
		t.Errorf("an export without a date left dave with %+v", iv)
	}

	// A bad interview refuses the file, changing nothing.
	for _, tc := range []struct{ name, old, new, msg string }{
		{"unknown category", `"data-quality","system-design"`, `"data-quality","nowhere"`, `Settings: the interview's category "nowhere" is not among the export's categories`},
		{"twice", `"data-quality","system-design"`, `"data-quality","data-quality"`, `Settings: interview_scope names "data-quality" twice`},
		{"not a slug", `"data-quality","system-design"`, `"Data Quality"`, `Settings: interview_scope: "Data Quality" is not a category slug`},
		{"final pass too long", `"final_days":5`, `"final_days":15`, `Settings: final_days 15 is outside 1 to 14`},
		{"date out of range", `"interview_date":"2026-03-11"`, `"interview_date":"2400-01-01"`, `Settings: interview_date 2400-01-01 is outside 1990-01-01 to 2300-01-01`},
		{"a date that is not one", `"interview_date":"2026-03-11"`, `"interview_date":"soon"`, `In "settings", "soon" is not a date written YYYY-MM-DD`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tableCounts(t, s, carol.ID)
			ivBefore, _ := s.Interview(ctx, carol.ID)
			_, err := s.RestoreExport(ctx, carol.ID, bytes.NewReader(bytes.Replace(doc, []byte(tc.old), []byte(tc.new), 1)))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want ErrInvalid saying %q", err, tc.msg)
			}
			ivAfter, _ := s.Interview(ctx, carol.ID)
			if after := tableCounts(t, s, carol.ID); after != before || fmt.Sprint(ivAfter) != fmt.Sprint(ivBefore) {
				t.Errorf("a refused restore changed the account")
			}
		})
	}
}

// A category an unfinished import made is left out of the export, and so
// out of the interview's scope there, or the export would not restore.
func TestExportInterviewScopeWithoutAPendingImport(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	s.Now = func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }
	u := cardsTestUser(t, s, "ada")
	p := startPausedImport(t, s, u.ID, "big.csv", smallTable(testImportRows()), 1)
	// The settings refuse such a category (TestPendingImportIsInvisibleUntilItEnds);
	// a scope written before that rule may still hold one.
	setInterview(t, s, u.ID, srs.DateOf(2026, 6, 1), 3, true, "data-quality")
	if _, err := s.writer.Exec(`INSERT INTO interview_scope (user_id, category_id)
		SELECT user_id, id FROM categories WHERE user_id = ? AND slug = 'brand-new-category'`, u.ID); err != nil {
		t.Fatal(err)
	}
	doc := exportJSON(t, s, u.ID)
	p.release()
	<-p.done
	if bytes.Contains(doc, []byte(`"slug":"brand-new-category"`)) || !bytes.Contains(doc, []byte(`"interview_scope":["data-quality"]`)) {
		t.Errorf("the export holds the pending import's category:\n%.600s", doc)
	}
	bob := cardsTestUser(t, s, "bob")
	if _, err := s.RestoreExport(ctx, bob.ID, bytes.NewReader(doc)); err != nil {
		t.Errorf("the export does not restore: %v", err)
	}
}
