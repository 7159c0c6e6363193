package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"golang.org/x/crypto/bcrypt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcards/flashcards/data/cardtable"
	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/data/exportdoc"
	"github.com/flashcards/flashcards/internal/testkit/ankitest"
	"github.com/flashcards/flashcards/srs"
)

var bigImportFlag = flag.Bool("bigimport", false, "run the measurements of 200,000-card imports (slow)")

// withImportLimit lowers the card limit of every import for one test, so
// each importer's refusal is tried on a small file.
func withImportLimit(t *testing.T, n int) {
	t.Helper()
	old := importCardLimit
	importCardLimit = n
	t.Cleanup(func() { importCardLimit = old })
}

// rawCardCount counts the user's card rows, visible or not.
func rawCardCount(t *testing.T, s *Store, userID int64) int {
	t.Helper()
	var n int
	if err := s.reader.QueryRow("SELECT COUNT(*) FROM cards WHERE user_id = ?", userID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func pendingImportRows(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.reader.QueryRow("SELECT COUNT(*) FROM pending_imports").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// testImportRows is the size of the tables the chunked imports are tried
// on: enough for many chunks of a millisecond, fewer under the race
// detector, which makes SQLite some twenty times slower.
func testImportRows() int {
	if raceDetectorOn() {
		return 400
	}
	return 3000
}

// smallTable is a card table of n rows with distinct cards.
func smallTable(n int) []byte {
	var b bytes.Buffer
	b.WriteString("front,back,category\n")
	for i := range n {
		fmt.Fprintf(&b, "Question %d?,Answer %d.,brand-new-category\n", i, i)
	}
	return b.Bytes()
}

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 200_000: "200,000", 1_000_000: "1,000,000", -1234: "-1,234"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}

// Every importer refuses a file of more cards than one import takes,
// naming both numbers, before writing anything.
func TestEveryImporterRefusesTooManyCards(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	// An export of 43 cards, made before the limit is lowered.
	src := cardsTestUser(t, s, "source")
	var drafts []CardDraft
	for i := range 43 {
		drafts = append(drafts, CardDraft{Key: fmt.Sprint("k", i), Front: fmt.Sprint("f", i), Back: "b", Category: "data-quality"})
	}
	if _, err := s.ImportDrafts(ctx, src.ID, "d", drafts, nil); err != nil {
		t.Fatal(err)
	}
	var export bytes.Buffer
	if err := s.ExportJSON(ctx, src.ID, &export); err != nil {
		t.Fatal(err)
	}
	withImportLimit(t, 40)
	want := func(t *testing.T, err error, n int) {
		t.Helper()
		msg := fmt.Sprintf("The file has %d cards; one import takes at most 40", n)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), msg) {
			t.Errorf("err = %v, want ErrInvalid with %q", err, msg)
		}
		if n := rawCardCount(t, s, u.ID); n != 0 {
			t.Errorf("%d cards stored", n)
		}
		if decks, _ := s.ListDecks(ctx, u.ID); len(decks) != 0 {
			t.Errorf("decks made: %+v", decks)
		}
	}

	t.Run("csv", func(t *testing.T) {
		doc := smallTable(45)
		doc = append(doc, "Question 0?,Answer 0.,x\n"...) // a repeat is not counted
		_, err := s.ImportDocument(ctx, u.ID, "big.csv", doc, "", nil)
		want(t, err, 45)
	})
	t.Run("qa text", func(t *testing.T) {
		var b strings.Builder
		for i := range 41 {
			fmt.Fprintf(&b, "Q%d. Why %d?\nAns: Because %d.\n\n", i+1, i, i)
		}
		_, err := s.ImportDocument(ctx, u.ID, "notes.txt", []byte(b.String()), "", nil)
		want(t, err, 41)
	})
	t.Run("markdown", func(t *testing.T) {
		var b strings.Builder
		for i := range 42 {
			fmt.Fprintf(&b, "## Q: Why %d?\n\nBecause %d.\n\n", i, i)
		}
		_, err := s.ImportDocument(ctx, u.ID, "notes.md", []byte(b.String()), "", nil)
		want(t, err, 42)
	})
	t.Run("restore", func(t *testing.T) {
		_, err := s.RestoreExport(ctx, u.ID, bytes.NewReader(export.Bytes()))
		want(t, err, 43)
	})
	t.Run("anki", func(t *testing.T) {
		pkg := manyNotesApkg(t, 44)
		_, err := s.ImportApkg(ctx, u.ID, "deck.apkg", bytes.NewReader(pkg), int64(len(pkg)), "", nil)
		want(t, err, 44)
	})
}

// A table of a million rows is refused with both numbers, as the issue
// asked, and parsing it keeps at most the limit's cards in memory.
func TestMillionRowTableRefused(t *testing.T) {
	if !*bigImportFlag {
		t.Skip("parses 32 MiB; run with -bigimport")
	}
	var b bytes.Buffer
	for i := range 1_000_000 {
		fmt.Fprintf(&b, "q%d,a\n", i)
	}
	_, err := ParseDocumentWith("big.csv", b.Bytes(), ImportOptions{})
	if err == nil || err.Error() != "The file has 1,000,000 cards; one import takes at most 200,000" {
		t.Errorf("err = %v", err)
	}
}

// importWithPause runs a chunked import of n rows in a goroutine and
// stops it after its pauseAt'th chunk until release is called; the chunks
// before are committed and the import is pending meanwhile.
type pausedImport struct {
	done    chan struct{}
	res     ImportResult
	err     error
	paused  chan struct{}
	release func()
}

func startPausedImport(t *testing.T, s *Store, userID int64, name string, doc []byte, pauseAt int) *pausedImport {
	t.Helper()
	s.importChunk = time.Millisecond
	p := &pausedImport{done: make(chan struct{}), paused: make(chan struct{})}
	resume := make(chan struct{})
	var once sync.Once
	p.release = func() { once.Do(func() { close(resume) }) }
	t.Cleanup(p.release)
	s.importChunkDone = func(chunk int) {
		if chunk == pauseAt {
			close(p.paused)
			<-resume
		}
	}
	go func() {
		defer close(p.done)
		p.res, p.err = s.ImportDocument(context.Background(), userID, name, doc, "", nil)
	}()
	select {
	case <-p.paused:
	case <-p.done:
		t.Fatalf("the import ended before its chunk %d: %+v %v", pauseAt, p.res, p.err)
	}
	return p
}

// While an import is being written its cards show nowhere: not in the
// queue and its counts, the card list and search, the decks' counts,
// mastery, statistics or any export; a grade or an edit of one of them
// finds no card. Once it ends they all show at once.
func TestPendingImportIsInvisibleUntilItEnds(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	st := DefaultSettings()
	st.NewPerDay = 1000
	u, err := s.CreateUser(ctx, "ada", "correct horse", st)
	if err != nil {
		t.Fatal(err)
	}
	// Three cards of her own: one graded (due later), two new.
	if _, err := s.ImportDocument(ctx, u.ID, "mine.csv", []byte("front,back\nq1,a1\nq2,a2\nq3,a3\n"), "", nil); err != nil {
		t.Fatal(err)
	}
	qc, err := s.NextCard(ctx, u.ID, ReviewFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GradeCard(ctx, u.ID, Grade{CardID: qc.Card.ID, Grade: 5, Step: -1}); err != nil {
		t.Fatal(err)
	}
	type view struct {
		cards, listed, searched, decks, deckCards, categories, masteryCategories, masteryCards, forecast int
		queue                                                                                            DayQueue
		jsonCards, csvBytes                                                                              int
		// What main's card browser, decks to study and API pages read.
		browsed, browsedNew, studyDecks, studyNew, paged int
	}
	look := func() view {
		t.Helper()
		var v view
		var err error
		if v.cards, err = s.CountCards(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListCards(ctx, u.ID, CardFilter{})
		if err != nil {
			t.Fatal(err)
		}
		v.listed = len(list)
		found, err := s.ListCards(ctx, u.ID, CardFilter{Query: "Question"})
		if err != nil {
			t.Fatal(err)
		}
		v.searched = len(found)
		decks, err := s.ListDecks(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		v.decks = len(decks)
		for _, d := range decks {
			v.deckCards += d.Cards
		}
		cats, err := s.ListCategories(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		v.categories = len(cats)
		rep, err := s.Mastery(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		v.masteryCategories = len(rep.Categories)
		for _, c := range rep.Categories {
			v.masteryCards += c.Cards
		}
		stats, err := s.Stats(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range stats.Forecast {
			v.forecast += d.Count
		}
		if v.queue, err = s.Queue(ctx, u.ID, ReviewFilter{}); err != nil {
			t.Fatal(err)
		}
		var js, cs bytes.Buffer
		if err := s.ExportJSON(ctx, u.ID, &js); err != nil {
			t.Fatal(err)
		}
		v.jsonCards = strings.Count(js.String(), `"key":`)
		if err := s.ExportCSV(ctx, u.ID, &cs); err != nil {
			t.Fatal(err)
		}
		v.csvBytes = cs.Len()
		for _, state := range []CardState{AllCards, NewCards} {
			page, err := s.BrowseCards(ctx, u.ID, CardBrowse{State: state, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if state == AllCards {
				v.browsed = page.Total
			} else {
				v.browsedNew = page.Total
			}
		}
		study, err := s.DecksToStudy(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		v.studyDecks = len(study)
		for _, d := range study {
			v.studyNew += d.New
		}
		// The API's pages: the first page, then the one after it.
		page, err := s.ListCards(ctx, u.ID, CardFilter{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		v.paged = len(page)
		if len(page) > 0 {
			more, err := s.ListCards(ctx, u.ID, CardFilter{Limit: 2, Before: page[len(page)-1].ID})
			if err != nil {
				t.Fatal(err)
			}
			v.paged += len(more)
		}
		return v
	}
	before := look()
	if before.cards != 3 || before.queue.New != 2 {
		t.Fatalf("before: %+v", before)
	}
	firstNew, err := s.NextCard(ctx, u.ID, ReviewFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}

	rows := testImportRows()
	imp := startPausedImport(t, s, u.ID, "big.csv", smallTable(rows), 3)
	var first int64
	if err := s.reader.QueryRow("SELECT first_card FROM pending_imports WHERE user_id = ?", u.ID).Scan(&first); err != nil {
		t.Fatalf("no pending import while it runs: %v", err)
	}
	if n := rawCardCount(t, s, u.ID); n <= 3 || n >= 3+rows {
		t.Fatalf("%d card rows while paused: the import is not part-written", n)
	}
	if during := look(); during != before {
		t.Errorf("while the import runs the account reads\n%+v\nnot as before\n%+v", during, before)
	}
	// The queue: every filter, and the card it picks.
	for _, f := range []ReviewFilter{{}, {Category: UncategorizedSlug}, {Category: "brand-new-category"}} {
		qc, err := s.NextCard(ctx, u.ID, f, 0)
		if f.Category == "brand-new-category" { // not hers until the import ends
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("queue of the import's category: %+v %v", qc.Card.ID, err)
			}
			continue
		}
		if err != nil || qc.Card.ID != firstNew.Card.ID {
			t.Errorf("NextCard(%+v) = %d %v, want card %d", f, qc.Card.ID, err, firstNew.Card.ID)
		}
	}
	if _, err := s.GetCard(ctx, u.ID, first); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetCard of an import's card: %v", err)
	}
	if _, err := s.GradeCard(ctx, u.ID, Grade{CardID: first, Grade: 4, Step: -1}); !errors.Is(err, ErrNotFound) {
		t.Errorf("grade of an import's card: %v", err)
	}
	if err := s.UpdateCard(ctx, u.ID, first, CardInput{Front: "x", Back: "y"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("edit of an import's card: %v", err)
	}
	if err := s.UpdateInterview(ctx, u.ID, InterviewSettings{FinalDays: 3, Scope: []string{"brand-new-category"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("an interview scope naming the import's category: %v", err)
	}
	if err := s.SetSuspended(ctx, u.ID, first, true); !errors.Is(err, ErrNotFound) {
		t.Errorf("suspending an import's card: %v", err)
	}
	if err := s.DeleteCard(ctx, u.ID, first); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting an import's card: %v", err)
	}
	// Nor in main's card history, bulk actions and the trash.
	if _, _, err := s.CardHistory(ctx, u.ID, first); !errors.Is(err, ErrNotFound) {
		t.Errorf("history of an import's card: %v", err)
	}
	if _, err := s.SuspendCards(ctx, u.ID, []int64{first}, true); !errors.Is(err, ErrNotFound) {
		t.Errorf("bulk suspend of an import's card: %v", err)
	}
	if _, err := s.TrashCards(ctx, u.ID, []int64{first}); !errors.Is(err, ErrNotFound) {
		t.Errorf("trashing an import's card: %v", err)
	}
	if _, err := s.MoveCards(ctx, u.ID, []int64{first}, 0, UncategorizedSlug); !errors.Is(err, ErrNotFound) {
		t.Errorf("moving an import's card: %v", err)
	}
	// The import preview sees none of its cards as there already.
	drafts, err := cardtable.Parse(smallTable(rows), "big.csv")
	if err != nil {
		t.Fatal(err)
	}
	if check, err := s.CheckDrafts(ctx, u.ID, drafts); err != nil || len(check.Duplicates) != 0 || len(check.Close) != 0 {
		t.Errorf("preview during the import: %d duplicates, %d close, %v", len(check.Duplicates), len(check.Close), err)
	}
	// The user's other card inserts wait for the import.
	if _, err := s.CreateCard(ctx, u.ID, CardInput{Front: "new", Back: "card"}); !errors.Is(err, ErrConflict) {
		t.Errorf("CreateCard during the import: %v", err)
	}
	if _, err := s.ImportDocument(ctx, u.ID, "other.csv", []byte("front,back\nx,y\n"), "", nil); !errors.Is(err, ErrConflict) {
		t.Errorf("a second import during the import: %v", err)
	}
	if _, err := s.AddBuiltinDeck(ctx, u.ID); !errors.Is(err, ErrConflict) {
		t.Errorf("the built-in deck during the import: %v", err)
	}
	var importDeck int64
	if err := s.reader.QueryRow("SELECT id FROM decks WHERE user_id = ? AND name = 'big'", u.ID).Scan(&importDeck); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDeck(ctx, u.ID, importDeck); !errors.Is(err, ErrConflict) {
		t.Errorf("deleting the deck the import writes: %v", err)
	}
	// Its deck and category are not there for her to use yet.
	if err := s.UpdateCard(ctx, u.ID, firstNew.Card.ID, CardInput{Front: "q", Back: "a", DeckID: importDeck}); !errors.Is(err, ErrInvalid) {
		t.Errorf("moving a card into the import's deck: %v", err)
	}
	if err := s.UpdateCard(ctx, u.ID, firstNew.Card.ID, CardInput{Front: "q", Back: "a", Category: "brand-new-category"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("moving a card into the import's category: %v", err)
	}

	imp.release()
	<-imp.done
	if imp.err != nil || imp.res.Added != rows {
		t.Fatalf("import: %+v %v", imp.res, imp.err)
	}
	after := look()
	if after.cards != 3+rows || after.listed != 3+rows || after.searched != rows || after.decks != 2 || after.deckCards != 3+rows ||
		after.categories != before.categories+1 || after.masteryCards != 3+rows || after.queue.New != min(2+rows, before.queue.NewLeft) ||
		after.jsonCards != 3+rows || after.csvBytes <= before.csvBytes || after.browsed != 3+rows || after.browsedNew != 2+rows ||
		after.studyDecks != 2 || after.paged != 4 {
		t.Errorf("after the import: %+v", after)
	}
	if n := pendingImportRows(t, s); n != 0 {
		t.Errorf("%d pending imports left", n)
	}
	if _, err := s.CreateCard(ctx, u.ID, CardInput{Front: "new", Back: "card"}); err != nil {
		t.Errorf("CreateCard after the import: %v", err)
	}
	// Importing the file again adds nothing.
	res, err := s.ImportDocument(ctx, u.ID, "big.csv", smallTable(rows), "", nil)
	if err != nil || res.Added != 0 || res.Skipped != rows {
		t.Errorf("import again: %+v %v", res, err)
	}
}

// An import that fails half-way, cancelled or by an error, leaves nothing:
// no card row, no deck or category it made, no pending import, and counts
// that add up (openTestStore checks them).
func TestImportFailingMidwayLeavesNothing(t *testing.T) {
	ctx := context.Background()
	for _, how := range []string{"cancelled", "error"} {
		t.Run(how, func(t *testing.T) {
			s := openTestStore(t)
			u := cardsTestUser(t, s, "ada")
			if _, err := s.ImportDocument(ctx, u.ID, "mine.csv", []byte("front,back\nq1,a1\n"), "", nil); err != nil {
				t.Fatal(err)
			}
			s.importChunk = time.Millisecond
			rows := testImportRows()
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			chunks := 0
			s.importChunkDone = func(chunk int) {
				chunks++
				if chunk != 3 {
					return
				}
				if how == "cancelled" {
					cancel()
					return
				}
				// A card of the same identity as one still to come makes
				// the next chunks fail.
				_, err := s.writer.Exec(`INSERT INTO cards (user_id, deck_id, category_id, key, front, back, created_at, updated_at)
					SELECT user_id, deck_id, category_id, ?, 'x', 'y', created_at, updated_at FROM cards WHERE user_id = ? LIMIT 1`,
					draft.Key("csv:", fmt.Sprintf("Question %d?", rows-1), fmt.Sprintf("Answer %d.", rows-1)), u.ID)
				if err != nil {
					t.Error(err)
				}
			}
			_, err := s.ImportDocument(cctx, u.ID, "big.csv", smallTable(rows), "", nil)
			if how == "cancelled" && !errors.Is(err, context.Canceled) || how == "error" && err == nil {
				t.Fatalf("import: %v", err)
			}
			if chunks < 4 {
				t.Fatalf("%d chunks: the import did not get half-way", chunks)
			}
			if n := rawCardCount(t, s, u.ID); n != 1 {
				t.Errorf("%d card rows left, want the 1 from before", n)
			}
			if n := pendingImportRows(t, s); n != 0 {
				t.Errorf("%d pending imports left", n)
			}
			decks, _ := s.ListDecks(ctx, u.ID)
			if len(decks) != 1 || decks[0].Name != "mine" {
				t.Errorf("decks: %+v", decks)
			}
			cats, _ := s.ListCategories(ctx, u.ID)
			for _, c := range cats {
				if c.Slug == "brand-new-category" {
					t.Error("the failed import's category is left")
				}
			}
			// The same file imports whole afterwards.
			s.importChunkDone = nil
			res, err := s.ImportDocument(ctx, u.ID, "big.csv", smallTable(rows), "", nil)
			if err != nil || res.Added != rows {
				t.Errorf("import again: %+v %v", res, err)
			}
		})
	}
}

// A process killed in the middle of an import leaves its rows in the
// file, hidden; the start-up of the server removes them. The kill is a
// consistent copy of the database taken half-way (what a kill leaves on
// disk), opened as a new store.
func TestKilledImportIsRemovedAtStartUp(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	if _, err := s.ImportDocument(ctx, u.ID, "mine.csv", []byte("front,back\nq1,a1\n"), "", nil); err != nil {
		t.Fatal(err)
	}
	rows := testImportRows()
	imp := startPausedImport(t, s, u.ID, "big.csv", smallTable(rows), 2)
	copyPath := filepath.Join(t.TempDir(), "killed.db")
	if err := s.Backup(ctx, copyPath); err != nil {
		t.Fatal(err)
	}

	k, err := Open(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if n := rawCardCount(t, k, u.ID); n <= 1 {
		t.Fatalf("the copy holds %d card rows: not taken half-way", n)
	}
	if n, _ := k.CountCards(ctx, u.ID); n != 1 {
		t.Errorf("after the kill the user sees %d cards, want 1", n)
	}
	if err := k.CheckCounts(ctx); err != nil {
		t.Error(err)
	}
	// While its writer still holds its lock, the import is left alone.
	if n, err := k.RemoveUnfinishedImports(ctx, StaleImportAfter); err != nil || n != 0 {
		t.Errorf("start-up removed %d imports whose writer runs (%v)", n, err)
	}
	// The writer gone (its lock let go), start-up removes it.
	imp.release()
	<-imp.done
	n, err := k.RemoveUnfinishedImports(ctx, StaleImportAfter)
	if err != nil || n != 1 {
		t.Fatalf("RemoveUnfinishedImports = %d, %v", n, err)
	}
	if n := rawCardCount(t, k, u.ID); n != 1 {
		t.Errorf("%d card rows after start-up, want 1", n)
	}
	if n := pendingImportRows(t, k); n != 0 {
		t.Errorf("%d pending imports after start-up", n)
	}
	decks, _ := k.ListDecks(ctx, u.ID)
	if len(decks) != 1 {
		t.Errorf("decks after start-up: %+v", decks)
	}
	if err := k.CheckCounts(ctx); err != nil {
		t.Error(err)
	}
	res, err := k.ImportDocument(ctx, u.ID, "big.csv", smallTable(rows), "", nil)
	if err != nil || res.Added != rows {
		t.Errorf("import again after start-up: %+v %v", res, err)
	}
}

// A server starting while another process (the command line) writes an
// import leaves that import alone: it goes on and ends whole. Two stores
// on one file are two processes here: each holds its own locks.
func TestStartUpLeavesAnotherProcesssImport(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	cli, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	cli.PasswordCost = bcrypt.MinCost
	u, err := cli.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	rows := testImportRows()
	imp := startPausedImport(t, cli, u.ID, "big.csv", smallTable(rows), 2)

	server, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	if n, err := server.RemoveUnfinishedImports(ctx, StaleImportAfter); err != nil || n != 0 {
		t.Fatalf("the server's start-up removed %d imports (%v)", n, err)
	}
	imp.release()
	<-imp.done
	if imp.err != nil || imp.res.Added != rows {
		t.Fatalf("the command-line import: %+v %v", imp.res, imp.err)
	}
	if n, _ := server.CountCards(ctx, u.ID); n != rows {
		t.Errorf("the server sees %d cards, want %d", n, rows)
	}
	if n := pendingImportRows(t, server); n != 0 {
		t.Errorf("%d pending imports after the import", n)
	}
	// Its lock file is gone with it.
	left, _ := filepath.Glob(filepath.Join(cli.temp.dir, importPrefix+"*"))
	if len(left) != 0 {
		t.Errorf("lock files left: %v", left)
	}
}

// An import left by a writer that stopped long ago is taken over by the
// user's next import, which removes it first.
func TestStaleImportGivesWayToTheNext(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	clock := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return clock }
	imp := startPausedImport(t, s, u.ID, "big.csv", smallTable(testImportRows()), 2)
	// Another import finds it running, then, a while later, dead.
	if _, err := s.ImportDocument(ctx, u.ID, "other.csv", []byte("front,back\nx,y\n"), "", nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("an import beside a running one: %v", err)
	}
	clock = clock.Add(StaleImportAfter + time.Second)
	s.importChunkDone = nil
	res, err := s.ImportDocument(ctx, u.ID, "other.csv", []byte("front,back\nx,y\n"), "", nil)
	if err != nil || res.Added != 1 {
		t.Fatalf("the next import: %+v %v", res, err)
	}
	// The stale one's writer, resumed, finds itself stopped and keeps nothing.
	imp.release()
	<-imp.done
	if !errors.Is(imp.err, errImportStopped) {
		t.Errorf("the stale import ended with %v", imp.err)
	}
	if n := rawCardCount(t, s, u.ID); n != 1 {
		t.Errorf("%d card rows, want the next import's 1", n)
	}
}

// While a large import runs, another user's grades go through between its
// chunks: one completes while the import is still writing.
func TestGradesInterleaveWithAnImport(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	st := DefaultSettings()
	st.NewPerDay = MaxPerDay
	other, err := s.CreateUser(ctx, "other", "correct horse", st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportDocument(ctx, other.ID, "mine.csv", smallTable(500), "", nil); err != nil {
		t.Fatal(err)
	}
	cards, err := s.ListCards(ctx, other.ID, CardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	imp := cardsTestUser(t, s, "importer")
	rows := 20_000
	if raceDetectorOn() {
		rows = 1_000
		s.importChunk = 5 * time.Millisecond
	}
	var mu sync.Mutex
	var chunkTimes []time.Time
	s.importChunkDone = func(int) {
		mu.Lock()
		chunkTimes = append(chunkTimes, time.Now())
		mu.Unlock()
	}
	stop := make(chan struct{})
	var grades []gradeSample
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, c := range cards {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			start := time.Now()
			if _, err := s.GradeCard(ctx, other.ID, Grade{CardID: c.ID, Grade: srs.Grade(4), Step: -1}); err != nil {
				t.Error(err)
				return
			}
			grades = append(grades, gradeSample{time.Now(), time.Since(start)})
		}
	}()
	start := time.Now()
	res, err := s.ImportDocument(ctx, imp.ID, "big.csv", importBigTable(rows), "", nil)
	end := time.Now()
	close(stop)
	wg.Wait()
	if err != nil || res.Added != rows {
		t.Fatalf("import: %+v %v", res, err)
	}
	var during []time.Duration
	for _, g := range grades {
		if g.at.After(start) && g.at.Before(end) {
			during = append(during, g.took)
		}
	}
	t.Logf("%d rows in %v, %d chunks; %d grades of another user during it, the slowest %v",
		rows, end.Sub(start).Round(time.Millisecond), len(chunkTimes)+1, len(during), slowest(during))
	if len(chunkTimes) < 2 {
		t.Errorf("%d chunks: the import held the writer in one go", len(chunkTimes)+1)
	}
	if len(chunkTimes) > 0 && !graderRanBetween(grades, chunkTimes[0], end) {
		t.Error("no grade of the other user completed while the import was writing")
	}
}

// gradeSample is one grade: when it was answered and how long it took.
type gradeSample struct {
	at   time.Time
	took time.Duration
}

func graderRanBetween(grades []gradeSample, from, to time.Time) bool {
	for _, g := range grades {
		if g.at.After(from) && g.at.Before(to) {
			return true
		}
	}
	return false
}

// manyNotesApkg is an Anki package of n basic notes, one card each.
func manyNotesApkg(t testing.TB, n int) []byte {
	t.Helper()
	fx := ankitest.Sample()
	fx.Notes, fx.Cards, fx.Revlog = nil, nil, nil
	for i := range n {
		id := int64(i + 1)
		fx.Notes = append(fx.Notes, ankitest.Note{ID: id, GUID: fmt.Sprint("guid", i), Mid: 1001, Fields: []string{fmt.Sprintf("front %d", i), "back"}})
		fx.Cards = append(fx.Cards, ankitest.Card{ID: id, Nid: id, Did: 1, Ord: 0})
	}
	return ankitest.Zip(t, ankitest.File("collection.anki2", ankiBuild.Legacy(t, fx)), ankitest.File("media", []byte("{}")))
}

func slowest(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

// historyExport is the JSON export of an account with the built-in deck
// and n cards of its own, some of them graded, in another account's zone.
func historyExport(t *testing.T, s *Store, n int) []byte {
	t.Helper()
	ctx := context.Background()
	st := DefaultSettings()
	st.Timezone, st.NewPerDay = "Asia/Tokyo", MaxPerDay
	src, err := s.CreateUserWithBuiltinDeck(ctx, "source", "correct horse", st)
	if err != nil {
		t.Fatal(err)
	}
	var drafts []CardDraft
	for i := range n {
		drafts = append(drafts, CardDraft{Key: fmt.Sprint("k", i), Front: fmt.Sprint("Question ", i), Back: "b", Category: "data-quality"})
	}
	if _, err := s.ImportDrafts(ctx, src.ID, "history", drafts, nil); err != nil {
		t.Fatal(err)
	}
	for range 60 {
		qc, err := s.NextCard(ctx, src.ID, ReviewFilter{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.GradeCard(ctx, src.ID, Grade{CardID: qc.Card.ID, Grade: 5, Step: -1}); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := s.ExportJSON(ctx, src.ID, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A restore is written in chunks too, all or nothing: half-way its cards,
// history and settings show nowhere, and the built-in cards it replaces
// are still the account's; cancelled half-way it leaves the account as it
// was; let through it brings everything at once.
func TestRestoreInChunksIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	n := 2000
	if raceDetectorOn() {
		n = 300
	}
	doc := historyExport(t, s, n)
	exp, err := ReadExport(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUserWithBuiltinDeck(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	builtin, _ := s.CountCards(ctx, u.ID)
	s.importChunk = time.Millisecond

	// Cancelled half-way.
	cctx, cancel := context.WithCancel(ctx)
	s.importChunkDone = func(chunk int) {
		if chunk == 3 {
			cancel()
		}
	}
	if _, err := s.Restore(cctx, u.ID, exp); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled restore: %v", err)
	}
	if got := rawCardCount(t, s, u.ID); got != builtin {
		t.Errorf("after a cancelled restore %d card rows, want the %d built-in ones", got, builtin)
	}
	if st, _ := s.UserSettings(ctx, u.ID); st.Timezone != "UTC" {
		t.Errorf("a cancelled restore set the zone to %s", st.Timezone)
	}

	// Paused half-way.
	resume := make(chan struct{})
	paused := make(chan struct{})
	s.importChunkDone = func(chunk int) {
		if chunk == 3 {
			close(paused)
			<-resume
		}
	}
	done := make(chan error, 1)
	var res RestoreResult
	go func() {
		var err error
		res, err = s.Restore(ctx, u.ID, exp)
		done <- err
	}()
	select {
	case <-paused:
	case err := <-done:
		t.Fatalf("the restore ended before its fourth chunk: %v", err)
	}
	if got := rawCardCount(t, s, u.ID); got <= builtin {
		t.Errorf("%d card rows half-way: nothing written yet", got)
	}
	if got, _ := s.CountCards(ctx, u.ID); got != builtin {
		t.Errorf("half-way the account shows %d cards, want its %d", got, builtin)
	}
	if stats, _ := s.Stats(ctx, u.ID); stats.Reviews != 0 {
		t.Errorf("half-way the statistics show %d reviews", stats.Reviews)
	}
	if st, _ := s.UserSettings(ctx, u.ID); st.Timezone != "UTC" {
		t.Errorf("half-way the zone is %s", st.Timezone)
	}
	close(resume)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, _ := s.CountCards(ctx, u.ID); got != builtin+n || res.Cards != builtin+n || res.Reviews != 60 {
		t.Errorf("after the restore %d cards; result %+v", got, res)
	}
	if st, _ := s.UserSettings(ctx, u.ID); st.Timezone != "Asia/Tokyo" {
		t.Errorf("after the restore the zone is %s", st.Timezone)
	}
}

// An Anki package is written in chunks, all or nothing.
func TestAnkiImportInChunksIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	n := 800
	if raceDetectorOn() {
		n = 200
	}
	pkg := manyNotesApkg(t, n)
	s.importChunk = time.Millisecond
	cctx, cancel := context.WithCancel(ctx)
	s.importChunkDone = func(chunk int) {
		if chunk == 3 {
			if got := rawCardCount(t, s, u.ID); got == 0 {
				t.Error("no card written in three chunks")
			}
			if got, _ := s.CountCards(ctx, u.ID); got != 0 {
				t.Errorf("half-way the account shows %d cards", got)
			}
			cancel()
		}
	}
	if _, err := s.ImportApkg(cctx, u.ID, "deck.apkg", bytes.NewReader(pkg), int64(len(pkg)), "", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import: %v", err)
	}
	if got := rawCardCount(t, s, u.ID); got != 0 {
		t.Errorf("%d card rows after a cancelled import", got)
	}
	if decks, _ := s.ListDecks(ctx, u.ID); len(decks) != 0 {
		t.Errorf("decks after a cancelled import: %+v", decks)
	}
	s.importChunkDone, s.importChunk = nil, defaultImportChunk
	res, err := s.ImportApkg(ctx, u.ID, "deck.apkg", bytes.NewReader(pkg), int64(len(pkg)), "", nil)
	if err != nil || res.Added != n {
		t.Fatalf("import: %+v %v", res, err)
	}
	if got, _ := s.CountCards(ctx, u.ID); got != n {
		t.Errorf("%d cards after the import", got)
	}
}

// The keys an import checks its cards against are read before its first
// transaction; the cards stored in between are added in it, so importing
// them again still adds nothing.
func TestPriorKeysSeeCardsStoredMeanwhile(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	other := cardsTestUser(t, s, "bob")
	draft := func(key string) []CardDraft {
		return []CardDraft{{Key: key, Front: key, Back: "b", Category: "data-quality"}}
	}
	if _, err := s.ImportDrafts(ctx, u.ID, "d", draft("before"), nil); err != nil {
		t.Fatal(err)
	}
	var k priorKeys
	if err := k.read(ctx, s, u.ID); err != nil {
		t.Fatal(err)
	}
	for _, who := range []int64{u.ID, other.ID} {
		if _, err := s.ImportDrafts(ctx, who, "d", draft(fmt.Sprint("meanwhile-", who)), nil); err != nil {
			t.Fatal(err)
		}
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		keys, err := k.inTx(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if len(keys) != 2 || !keys["before"] || !keys[fmt.Sprint("meanwhile-", u.ID)] {
			t.Errorf("keys = %v", keys)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A restore reads the account's keys before its first transaction; a card
// stored in between that the export also holds is still found in it, and
// refused when it has progress.
func TestRestoreSeesCardsStoredMeanwhile(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	if _, err := s.ImportDrafts(ctx, u.ID, "d", []CardDraft{{Key: "a", Front: "a", Back: "b", Category: "data-quality"}}, nil); err != nil {
		t.Fatal(err)
	}
	exp := &Export{cards: []exportdoc.Card{{Key: "a"}, {Key: "b"}}}
	conflicts := func() ([]untouchedCard, error) {
		var k priorKeys
		if err := k.read(ctx, s, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportDrafts(ctx, u.ID, "d", []CardDraft{{Key: "b", Front: "b", Back: "b", Category: "data-quality"}}, nil); err != nil {
			t.Fatal(err)
		}
		var out []untouchedCard
		err := s.write(ctx, func(tx *sql.Tx) error {
			var err error
			out, err = restoreConflicts(ctx, tx, u.ID, exp, &k)
			return err
		})
		return out, err
	}
	if untouched, err := conflicts(); err != nil || len(untouched) != 2 {
		t.Errorf("untouched clashes = %+v, %v; want a and b", untouched, err)
	}
	cards, _ := s.ListCards(ctx, u.ID, CardFilter{})
	for _, c := range cards {
		if c.Key == "b" {
			if err := s.DeleteCard(ctx, u.ID, c.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Now b, stored after the keys were read, is graded before the check.
	var k priorKeys
	if err := k.read(ctx, s, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportDrafts(ctx, u.ID, "d", []CardDraft{{Key: "b", Front: "b", Back: "b", Category: "data-quality"}}, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range mustCards(t, s, u.ID) {
		if c.Key == "b" {
			if _, err := s.GradeCard(ctx, u.ID, Grade{CardID: c.ID, Grade: 4, Step: -1}); err != nil {
				t.Fatal(err)
			}
		}
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := restoreConflicts(ctx, tx, u.ID, exp, &k)
		return err
	})
	if !errors.Is(err, ErrConflict) {
		t.Errorf("a graded card stored meanwhile: %v, want ErrConflict", err)
	}
}

func mustCards(t *testing.T, s *Store, userID int64) []Card {
	t.Helper()
	cards, err := s.ListCards(context.Background(), userID, CardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return cards
}
