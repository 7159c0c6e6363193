package data

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestErrorCarriesItsMessage: a refusal carries the words the person
// reads and the sentinel a status is chosen by, through any wrapping; an
// internal error carries no words for the person.
func TestErrorCarriesItsMessage(t *testing.T) {
	invalid := Errorf(ErrInvalid, "A key point may hold at most %d characters", 200)
	for _, tc := range []struct {
		name string
		err  error
		kind error
		msg  string
	}{
		{"bare", invalid, ErrInvalid, "A key point may hold at most 200 characters"},
		{"wrapped for the log", fmt.Errorf("card 3: %w", invalid), ErrInvalid, "A key point may hold at most 200 characters"},
		{"conflict", Errorf(ErrConflict, "The card is suspended"), ErrConflict, "The card is suspended"},
		{"with its cause", &Error{Kind: ErrInvalid, Message: "The document is empty.", Err: ErrEmptyDocument}, ErrEmptyDocument, "The document is empty."},
		{"internal", errors.New("disk I/O error"), nil, ""},
	} {
		if got := Message(tc.err); got != tc.msg {
			t.Errorf("%s: Message = %q, want %q", tc.name, got, tc.msg)
		}
		if tc.kind != nil && !errors.Is(tc.err, tc.kind) {
			t.Errorf("%s: errors.Is(%v, %v) = false", tc.name, tc.err, tc.kind)
		}
		if tc.kind == nil && (errors.Is(tc.err, ErrInvalid) || errors.Is(tc.err, ErrConflict)) {
			t.Errorf("%s: an internal error passes for a refusal", tc.name)
		}
	}
	// The text of an *Error is its message: what a log and the command
	// line print is what the page shows.
	if invalid.Error() != invalid.Message {
		t.Errorf("Error() = %q, want the message", invalid.Error())
	}
}

// TestStoreRefusalsAreWordedForThePerson: the store's refusals come as
// *Error with the sentence a page shows, context first.
func TestStoreRefusalsAreWordedForThePerson(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ImportDrafts(ctx, u.ID, "Deck", []CardDraft{{Front: "q", Back: "", Category: UncategorizedSlug, Key: "k", Source: "notes.md Q1"}}, nil)
	if want := "Card 1 (notes.md Q1): A card needs a front and a back"; Message(err) != want || !errors.Is(err, ErrInvalid) {
		t.Errorf("a card without a back: %q (%v), want %q", Message(err), err, want)
	}
	if _, err := s.CreateUser(ctx, "", "a long enough password", DefaultSettings()); Message(err) != "User name is empty" {
		t.Errorf("an empty user name: %q", Message(err))
	}
}
