package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/flashcards/flashcards/srs"
)

func TestImportDocumentQASample(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	doc, err := os.ReadFile(filepath.Join("testdata", "qa-sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var calls []int
	res, err := s.ImportDocument(ctx, u.ID, "qa-sample.txt", doc, "", func(done, total int) { calls = append(calls, done, total) })
	if err != nil {
		t.Fatal(err)
	}
	// Four Q&As, one with a list: five cards.
	if res.Deck != "qa-sample" || res.Found != 5 || res.Added != 5 || res.Skipped != 0 {
		t.Errorf("first import: %+v", res)
	}
	if len(calls) < 2 || calls[len(calls)-2] != calls[len(calls)-1] {
		t.Errorf("progress never reported the end: %v", calls)
	}
	if n, _ := s.CountCards(ctx, u.ID); n != 5 {
		t.Errorf("%d cards stored, want 5", n)
	}

	// Once graded and reworded in the file, a re-import leaves the card alone.
	cards, _ := s.ListCards(ctx, u.ID, CardFilter{})
	setCardState(t, s, cards[0].ID, srs.State{Repetitions: 2, Interval: 6, Ease: 250}, srs.DateOf(2026, 4, 1), 0)
	res, err = s.ImportDocument(ctx, u.ID, "qa-sample.txt", doc, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Found != 5 || res.Added != 0 || res.Skipped != 5 {
		t.Errorf("second import: %+v", res)
	}
	if n, _ := s.CountCards(ctx, u.ID); n != 5 {
		t.Errorf("re-import changed the card count to %d", n)
	}
	if c, _ := s.GetCard(ctx, u.ID, cards[0].ID); c.Sched.State.Interval != 6 {
		t.Errorf("re-import reset progress: %+v", c.Sched)
	}
	decks, _ := s.ListDecks(ctx, u.ID)
	if len(decks) != 1 {
		t.Errorf("re-import made another deck: %+v", decks)
	}
}

func TestImportDocumentErrorsStoreNothing(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	for _, tc := range []struct {
		name string
		doc  []byte
		want error
	}{
		{"empty.txt", nil, ErrEmptyDocument},
		{"latin1.txt", []byte("Q1. Caf\xe9?\nAns: Yes.\n"), ErrInvalidUTF8},
		{"prose.txt", []byte("Just a paragraph of notes with no questions in it.\n"), ErrNoQA},
		{"big.txt", bytes.Repeat([]byte("Q1. A?\nAns: b.\n"), MaxDocumentBytes/15+1), ErrTooLarge},
		{"table.csv", []byte("front,back\nok,fine\n\"broken,row\n"), nil}, // a ParseErrors
	} {
		res, err := s.ImportDocument(ctx, u.ID, tc.name, tc.doc, "", nil)
		var pe ParseErrors
		switch {
		case tc.want == nil && !errors.As(err, &pe):
			t.Errorf("%s: %v, want line-numbered ParseErrors", tc.name, err)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if res.Added != 0 {
			t.Errorf("%s: result says %d added", tc.name, res.Added)
		}
	}
	if n, _ := s.CountCards(ctx, u.ID); n != 0 {
		t.Errorf("failed imports stored %d cards", n)
	}
	if decks, _ := s.ListDecks(ctx, u.ID); len(decks) != 0 {
		t.Errorf("failed imports made decks: %+v", decks)
	}
}

// An invalid draft in the middle of a batch stores nothing at all, not the
// drafts before it, no deck and no category.
func TestImportDraftsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	drafts := []CardDraft{
		{Key: "t:1", Front: "one", Back: "1", Category: "brand-new-category"},
		{Key: "t:2", Front: "two", Back: "", Category: "data-quality"},
		{Key: "t:3", Front: "three", Back: "3", Category: "data-quality"},
	}
	if _, err := s.ImportDrafts(ctx, u.ID, "Batch", drafts, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("ImportDrafts = %v, want ErrInvalid", err)
	}
	// A failure inside the transaction, after a thousand cards went in,
	// rolls those back too.
	var many []CardDraft
	for i := range 2500 {
		many = append(many, CardDraft{Key: fmt.Sprintf("t:%d", i), Front: fmt.Sprintf("q%d", i), Back: "a", Category: "brand-new-category"})
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	_, err := s.ImportDrafts(cctx, u.ID, "Batch", many, func(done, total int) {
		if done == 1000 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("import cancelled half-way: %v", err)
	}
	if _, err := s.ImportDrafts(ctx, 9999, "Batch", many, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("import for a missing user: %v", err)
	}
	if n, _ := s.CountCards(ctx, u.ID); n != 0 {
		t.Errorf("%d cards stored by failed imports", n)
	}
	if decks, _ := s.ListDecks(ctx, u.ID); len(decks) != 0 {
		t.Errorf("failed imports made decks: %+v", decks)
	}
	cats, _ := s.ListCategories(ctx, u.ID)
	for _, c := range cats {
		if c.Slug == "brand-new-category" {
			t.Error("a failed import created a category")
		}
	}

	drafts = []CardDraft{
		{Key: "t:1", Front: "one", Back: "1", Category: "brand-new-category"},
		{Key: "t:2", Front: "two", Back: "2", Category: "data-quality"},
	}
	res, err := s.ImportDrafts(ctx, u.ID, "Batch", drafts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 2 || len(res.NewCategories) != 1 || res.NewCategories[0] != "brand-new-category" {
		t.Errorf("good import: %+v", res)
	}
}

func TestImportFallbackCategory(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	doc := []byte("front,back\nWhat is a B-tree?,A balanced search tree.\n")
	if _, err := s.ImportDocument(ctx, u.ID, "trees.csv", doc, "Not A Slug", nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad fallback slug: %v", err)
	}
	if _, err := s.ImportDocument(ctx, u.ID, "trees.csv", doc, "coding-fundamentals", nil); err != nil {
		t.Fatal(err)
	}
	cards, _ := s.ListCards(ctx, u.ID, CardFilter{})
	if len(cards) != 1 || cards[0].Category != "coding-fundamentals" || cards[0].Deck != "trees" {
		t.Errorf("cards: %+v", cards)
	}
}

func importBigTable(rows int) []byte {
	var b bytes.Buffer
	b.WriteString("front,back,category,key points\n")
	for i := range rows {
		fmt.Fprintf(&b, "\"Question %d: why does the model drift after deploying it?\",\"Because the data drifts, answer %d; monitor inputs and retrain.\",Ignoring deployment,monitoring; retraining\n", i, i)
	}
	return b.Bytes()
}

// raceDetectorOn reports a -race build. The race detector makes the
// transpiled SQLite some twenty times slower while a one-goroutine import
// gives it nothing to find.
func raceDetectorOn() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

func TestImport20kCSV(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	rows := 20_000
	if raceDetectorOn() {
		rows = 4_000
	}
	doc := importBigTable(rows)
	start := time.Now()
	res, err := s.ImportDocument(ctx, u.ID, "big.csv", doc, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rows (%d KiB) imported in %v", rows, len(doc)>>10, time.Since(start))
	if res.Found != rows || res.Added != rows {
		t.Errorf("import: %+v", res)
	}
	if n, _ := s.CountCards(ctx, u.ID); n != rows {
		t.Errorf("%d cards stored, want %d", n, rows)
	}
	cards, _ := s.ListCards(ctx, u.ID, CardFilter{Category: "ignoring-deployment", Limit: 1})
	if len(cards) != 1 || len(cards[0].KeyPoints) != 2 {
		t.Errorf("imported card: %+v", cards)
	}
}

// BenchmarkImport100kCSV parses and stores a 100,000-row card table, about
// 17 MiB: more than a Q&A write-up may hold, within MaxCardTableBytes.
func BenchmarkImport100kCSV(b *testing.B) {
	ctx := context.Background()
	doc := importBigTable(100_000)
	if len(doc) > MaxCardTableBytes {
		b.Fatalf("the table is %d bytes, over the limit", len(doc))
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		u, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := s.ImportDocument(ctx, u.ID, "big.csv", doc, "", nil)
		if err != nil || res.Added != 100_000 {
			b.Fatalf("import: %+v %v", res, err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

func TestBuiltinDeckForNewUser(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u, err := s.CreateUserWithBuiltinDeck(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountCards(ctx, u.ID); n != len(BuiltinDeck()) {
		t.Errorf("%d cards, want the %d of the built-in deck", n, len(BuiltinDeck()))
	}
	if ok, _ := s.HasBuiltinDeck(ctx, u.ID); !ok {
		t.Error("HasBuiltinDeck is false after sign-up")
	}
	cards, _ := s.ListCards(ctx, u.ID, CardFilter{})
	used := map[string]bool{}
	for _, c := range cards {
		used[c.Category] = true
	}
	for _, c := range BuiltinCategories() {
		if !used[c.Slug] {
			t.Errorf("no card in built-in category %s", c.Slug)
		}
	}
	if len(used) != 12 {
		t.Errorf("cards use %d categories, want 12", len(used))
	}

	// A user made on the command line starts empty and adds the deck once.
	bob := cardsTestUser(t, s, "bob")
	if ok, _ := s.HasBuiltinDeck(ctx, bob.ID); ok {
		t.Error("bob has the built-in deck without asking")
	}
	res, err := s.AddBuiltinDeck(ctx, bob.ID)
	if err != nil || res.Added != len(BuiltinDeck()) {
		t.Fatalf("AddBuiltinDeck = %+v, %v", res, err)
	}
	res, err = s.AddBuiltinDeck(ctx, bob.ID)
	if err != nil || res.Added != 0 || res.Skipped != len(BuiltinDeck()) {
		t.Errorf("second AddBuiltinDeck = %+v, %v", res, err)
	}
	if n, _ := s.CountCards(ctx, bob.ID); n != len(BuiltinDeck()) {
		t.Errorf("bob has %d cards", n)
	}
}

// A release that rewords a built-in card rewords the copies users have not
// edited, keeping their progress, and leaves edited copies as they are.
func TestSyncBuiltinDeck(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u, err := s.CreateUserWithBuiltinDeck(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.SyncBuiltinDeck(ctx); err != nil || n != 0 {
		t.Fatalf("sync of a fresh deck changed %d cards, %v", n, err)
	}
	deck := BuiltinDeck()
	byKey := func(id string) Card {
		t.Helper()
		var cardID int64
		if err := s.reader.QueryRow("SELECT id FROM cards WHERE user_id = ? AND key = ?", u.ID, builtinKey(id)).Scan(&cardID); err != nil {
			t.Fatal(err)
		}
		c, err := s.GetCard(ctx, u.ID, cardID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	unedited, edited := byKey(deck[0].ID), byKey(deck[1].ID)
	state := srs.State{Repetitions: 4, Interval: 30, Ease: 260}
	setCardState(t, s, unedited.ID, state, srs.DateOf(2026, 5, 1), 2)

	if err := s.UpdateCard(ctx, u.ID, edited.ID, CardInput{Front: "My own wording", Back: edited.Back, Category: edited.Category}); err != nil {
		t.Fatal(err)
	}
	// What an older release said: the stored text differs from this release's.
	if _, err := s.writer.Exec("UPDATE cards SET front = 'Old wording' WHERE id = ?", unedited.ID); err != nil {
		t.Fatal(err)
	}

	n, err := s.SyncBuiltinDeck(ctx)
	if err != nil || n != 1 {
		t.Fatalf("SyncBuiltinDeck = %d, %v; want 1 card reworded", n, err)
	}
	got := byKey(deck[0].ID)
	if got.Front != deck[0].Front {
		t.Errorf("unedited card not reworded: %q", got.Front)
	}
	if got.Sched.State != state || got.Sched.Due != srs.DateOf(2026, 5, 1) || got.Lapses != 2 {
		t.Errorf("rewording lost progress: %+v lapses %d", got.Sched, got.Lapses)
	}
	if got := byKey(deck[1].ID); got.Front != "My own wording" {
		t.Errorf("edited card reworded to %q", got.Front)
	}
}

// A file name of thousands of characters must not make cards whose source
// their own export cannot bring back.
func TestLongFileNamesMakeRestorableSources(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("n", 3000)
	for _, name := range []string{"dir/" + long + ".txt", long + ".csv"} {
		doc := []byte("Q1. Why?\nAns: Because.\n")
		if strings.HasSuffix(name, ".csv") {
			doc = []byte("Why?,Because.\n")
		}
		drafts, err := ParseDocument(name, doc, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportDrafts(ctx, u.ID, "deck", drafts, nil); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := s.ExportJSON(ctx, u.ID, &buf); err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateUser(ctx, "bob", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestoreExport(ctx, other.ID, &buf); err != nil {
		t.Fatalf("restoring the export: %v", err)
	}
}
