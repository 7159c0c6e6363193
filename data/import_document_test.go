package data

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/data/qa"
)

// One unanswered question no longer refuses a write-up: the rest is
// imported in one transaction and the skipped question is reported with
// its line. Any other problem still refuses the whole file.
func TestImportDocumentSkipsUnansweredQuestions(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	res, err := s.ImportDocument(ctx, u.ID, "notes.txt", []byte("Q1. What is a WAL?\nAns: A log written first.\nQ2. What is fsync?\n\nQ3. What is a page?\nAns: A disk block.\n"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []UnansweredQuestion{{Line: 3, Question: "What is fsync?", Reason: "no answer"}}
	if res.Added != 2 || !reflect.DeepEqual(res.Unanswered, want) {
		t.Errorf("result %+v, want 2 added and %+v", res, want)
	}

	_, err = s.ImportDocument(ctx, u.ID, "broken.txt", []byte("Q1. A?\nAns: x.\n\nAns: orphan.\nQ2. B?\n"), "", nil)
	var pe ParseErrors
	if !errors.As(err, &pe) || len(pe) != 2 || pe[1].Question != "B?" {
		t.Errorf("a document with an orphan answer: %v", err)
	}
	if n, _ := s.CountCards(ctx, u.ID); n != 2 {
		t.Errorf("%d cards stored, want the first document's 2", n)
	}
}

// A document without any answered question is refused, saying what it
// holds and what the importer looks for.
func TestNoQAErrorSaysWhatItSaw(t *testing.T) {
	for _, tc := range []struct{ name, doc, saw string }{
		{"notes.md", "Some notes.\n\n- one\n- two\n", "it holds 1 paragraph and 1 list, none of them a question followed by its answer"},
		{"bare.md", "## What is X?\n\n## What is Y?\n", "2 question headings were found, but no answer followed them"},
		{"plain.txt", "Q1. What is X?\nQ2. What is Y?\n", "2 Q1. question lines were found, but no answer followed them"},
		{"page.html", "<!doctype html><body><nav>Home</nav><p>Hello.</p></body>", "it holds 1 paragraph, none of them a question followed by its answer"},
	} {
		_, err := ParseDocument(tc.name, []byte(tc.doc), "")
		var nq *qa.NoQAError
		if !errors.Is(err, ErrNoQA) || !errors.As(err, &nq) || nq.Saw != tc.saw || !strings.Contains(err.Error(), "The importer looks for question headings") {
			t.Errorf("%s: %v\n want it to say %q", tc.name, err, tc.saw)
		}
	}
}

// A list item too long to be a key point stays on the card's back and is
// left out of its key points; the document still imports.
func TestLongListItemsDoNotStopTheImport(t *testing.T) {
	long := strings.Repeat("word ", 60)
	doc := "Q1. What goes wrong?\nAns: Several things:\n- short one\n- " + long + "\n"
	drafts, err := ParseDocument("doc.txt", []byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	s := openTestStore(t)
	u, err := s.CreateUser(context.Background(), "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportDrafts(context.Background(), u.ID, "deck", drafts, nil); err != nil {
		t.Fatalf("import: %v", err)
	}
	for _, d := range drafts {
		if !strings.Contains(d.Back, "short one") {
			continue
		}
		if !strings.Contains(d.Back, strings.TrimSpace(long)) || len(d.KeyPoints) != 1 || d.KeyPoints[0] != "short one" {
			t.Errorf("back %q, key points %q", d.Back, d.KeyPoints)
		}
	}
}
