package data

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/flashcards/flashcards/data/format"
)

func importBytes(s *Store, userID int64, name, content string, opts ImportOptions, preview bool) (ImportReport, error) {
	return s.Import(context.Background(), userID, ImportFile{Name: name, Content: InMemory(content), Size: int64(len(content)), Options: opts, Preview: preview})
}

// TestImportTakesEveryFormat: the one entry point detects the format and
// reports in the same shape; a preview keeps a document without storing
// it, and a category that is not the user's is refused before anything.
func TestImportTakesEveryFormat(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	ada, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := importBytes(s, ada.ID, "notes.txt", "Q1. What?\nAns: That.\nQ2. Why?\nAns: Because.\n", ImportOptions{}, false)
	if err != nil || rep.Format != format.Text || rep.Added != 2 || rep.Summary() != `2 cards found, 2 added, 0 already there, in the deck "notes".` {
		t.Fatalf("text: %+v %v (%q)", rep, err, rep.Summary())
	}
	var exp, pkg bytes.Buffer
	if err := s.Export(ctx, ada.ID, ExportJSON, &exp); err != nil {
		t.Fatal(err)
	}
	if err := s.Export(ctx, ada.ID, ExportApkg, &pkg); err != nil {
		t.Fatal(err)
	}
	bob, _ := s.CreateUser(ctx, "bob", "correct horse", DefaultSettings())
	rep, err = importBytes(s, bob.ID, "ada", exp.String(), ImportOptions{}, false)
	if err != nil || rep.Format != format.Export || rep.Summary() != "restored 2 cards and 0 reviews. New decks: notes." {
		t.Fatalf("export: %+v %v (%q)", rep, err, rep.Summary())
	}
	carol, _ := s.CreateUser(ctx, "carol", "correct horse", DefaultSettings())
	rep, err = importBytes(s, carol.ID, "ada.zip", pkg.String(), ImportOptions{}, false)
	if err != nil || rep.Format != format.Apkg || rep.Summary() != `2 Anki cards found, 2 added, 0 already there, 0 reviews of history, in the deck "notes".` {
		t.Fatalf("apkg: %+v %v (%q)", rep, err, rep.Summary())
	}

	dan, _ := s.CreateUser(ctx, "dan", "correct horse", DefaultSettings())
	rep, err = importBytes(s, dan.ID, "trees.csv", "front,back\nq,a\n", ImportOptions{}, true)
	if n, _ := s.CountCards(ctx, dan.ID); err != nil || rep.Pending == "" || rep.Found != 1 || n != 0 {
		t.Fatalf("preview: %+v %v, %d cards stored", rep, err, n)
	}
	// A preview of an export or a package imports at once: there is
	// nothing to choose.
	rep, err = importBytes(s, dan.ID, "ada.json", exp.String(), ImportOptions{}, true)
	if n, _ := s.CountCards(ctx, dan.ID); err != nil || rep.Pending != "" || n != 2 {
		t.Fatalf("export with Preview: %+v %v, %d cards", rep, err, n)
	}
	_, err = importBytes(s, dan.ID, "more.txt", "Q1. A?\nAns: b.\n", ImportOptions{FallbackCategory: "not-mine"}, false)
	if n, _ := s.CountCards(ctx, dan.ID); !errors.Is(err, ErrInvalid) || Message(err) != `Choose one of your categories for cards not filed automatically; you have no category "not-mine"` || n != 2 {
		t.Fatalf("a foreign category: %v, %d cards", err, n)
	}
	if _, err := importBytes(s, dan.ID, "empty.apkg", "", ImportOptions{}, false); Message(err) != "The document is empty." {
		t.Fatalf("an empty file: %v", err)
	}
}
