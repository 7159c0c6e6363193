package data

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// A card table the reader refuses is refused by the import with the same
// line-numbered problems, and nothing of it is stored (data/cardtable
// tests the problems themselves).
func TestRefusedCardTableStoresNothing(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	for _, tc := range []struct{ file, doc string }{
		{"cards.csv", "front,back\nWhat is a B-tree?,\"A balanced tree\nWhat is a heap?,A priority queue\n"},
		{"cards.csv", "front,back\nA,B\nWhy?,The 12\" ruler\n"},
		{"cards.tsv", "front\tback\nA\tB\tC\n"},
	} {
		var pe ParseErrors
		_, err := s.ImportDocument(ctx, u.ID, tc.file, []byte(tc.doc), "", nil)
		if !errors.As(err, &pe) || len(pe) != 1 || !errors.Is(err, ErrInvalid) || len(Problems(err)) != 1 || Problems(err)[0].Line != pe[0].Line {
			t.Errorf("%q: %v, want one problem as ParseErrors and an invalid-input error", tc.doc, err)
		}
		if n, _ := s.CountCards(ctx, u.ID); n != 0 {
			t.Errorf("the refused import stored %d cards", n)
		}
		if decks, _ := s.ListDecks(ctx, u.ID); len(decks) != 0 {
			t.Errorf("the refused import made decks: %+v", decks)
		}
	}
}

// What a format refuses a document for reaches every door as an *Error
// of the right kind, with the format's words.
func TestDocumentRefusalsKeepTheirKind(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  []byte
		kind error
		is   error
		msg  string
	}{
		{"x.csv", nil, ErrInvalid, ErrEmptyDocument, "The document is empty."},
		{"x.csv", []byte("a,b\nc,\xc3\x28\n"), ErrInvalid, ErrInvalidUTF8, "The document is not UTF-8 text. Save it as UTF-8 and try again."},
		{"x.csv", bytes.Repeat([]byte("a,b\n"), MaxCardTableBytes/4+1), ErrTooLarge, ErrTooLarge,
			"The document is too large: a Q&A write-up may hold 4 MiB, a card table (.csv, .tsv) 32 MiB."},
		{"x.txt", bytes.Repeat([]byte("a"), MaxDocumentBytes+1), ErrTooLarge, ErrTooLarge,
			"The document is too large: a Q&A write-up may hold 4 MiB, a card table (.csv, .tsv) 32 MiB."},
		{"x.csv", []byte("front,back\n"), ErrInvalid, ErrNoQA,
			"No questions and answers were found. A write-up numbers its questions (Q1.) and starts each answer with Ans:; a card table has a front and a back column."},
	} {
		_, err := ParseDocumentWith(tc.name, tc.doc, ImportOptions{})
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, tc.kind) || !errors.Is(err, tc.is) || e.Message != tc.msg {
			t.Errorf("%s %.20q: %v, want %v (%v) %q", tc.name, tc.doc, err, tc.kind, tc.is, tc.msg)
		}
	}
	withImportLimit(t, 2)
	_, err := ParseDocumentWith("x.csv", []byte("a,b\nc,d\ne,f\n"), ImportOptions{})
	if !errors.Is(err, ErrInvalid) || Message(err) != "The file has 3 cards; one import takes at most 2" {
		t.Errorf("too many cards: %v", err)
	}
}
