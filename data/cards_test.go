package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/flashcards/flashcards/srs"
)

// cardsTestUser creates a user with the built-in categories and no cards.
func cardsTestUser(t *testing.T, s *Store, name string) User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), name, "correct horse", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// setCardState writes a card's scheduling state directly, as grading would.
func setCardState(t *testing.T, s *Store, cardID int64, st srs.State, due srs.Day, lapses int) {
	t.Helper()
	last := due.AddDays(-st.Interval)
	_, err := s.writer.Exec(qUpdateState, stateArgs(cardID, srs.Card{State: st, Graded: true, Due: due, LastCounted: last}, lapses, int(last))...)
	if err != nil {
		t.Fatal(err)
	}
}

// syncCardEffects writes every card's stage and credit from its state, as
// the store does, after a test wrote states behind the store's back.
func syncCardEffects(t testing.TB, s *Store) {
	t.Helper()
	err := s.write(context.Background(), func(tx *sql.Tx) error {
		for after := int64(0); ; {
			n, last, err := backfillCardEffects(context.Background(), tx, after)
			if err != nil || n == 0 {
				return err
			}
			after = last
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCardCreateGetUpdateDelete(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")

	c, err := s.CreateCard(ctx, u.ID, CardInput{
		Front:     "  Why check data quality first?  ",
		Back:      "Gaps and outliers decide results before any model does.",
		Category:  "data-quality",
		KeyPoints: []string{"missing values", "", "outliers", "Missing values"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Front != "Why check data quality first?" || c.Category != "data-quality" || c.Deck != DefaultDeckName {
		t.Errorf("created card: %+v", c)
	}
	if !slices.Equal(c.KeyPoints, []string{"missing values", "outliers"}) {
		t.Errorf("key points not trimmed and de-duplicated: %q", c.KeyPoints)
	}
	if c.Sched.Graded || c.Sched.State.Ease != 250 || c.Suspended {
		t.Errorf("a new card should be new, ease 2.50, not suspended: %+v", c)
	}

	got, err := s.GetCard(ctx, u.ID, c.ID)
	if err != nil || got.Front != c.Front || got.Back != c.Back {
		t.Fatalf("GetCard = %+v, %v", got, err)
	}

	state := srs.State{Repetitions: 3, Interval: 15, Ease: 236}
	setCardState(t, s, c.ID, state, srs.DateOf(2026, 3, 20), 1)
	deck, err := s.CreateDeck(ctx, u.ID, "Interviews")
	if err != nil {
		t.Fatal(err)
	}
	err = s.UpdateCard(ctx, u.ID, c.ID, CardInput{Front: "Why look at the data first?", Back: "Because.", Category: "accuracy-only", DeckID: deck.ID})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetCard(ctx, u.ID, c.ID)
	if got.Front != "Why look at the data first?" || got.Category != "accuracy-only" || got.DeckID != deck.ID || len(got.KeyPoints) != 0 {
		t.Errorf("after update: %+v", got)
	}
	if got.Sched.State != state || !got.Sched.Graded || got.Sched.Due != srs.DateOf(2026, 3, 20) || got.Lapses != 1 {
		t.Errorf("an edit changed the scheduling state: %+v lapses %d", got.Sched, got.Lapses)
	}

	if err := s.SetSuspended(ctx, u.ID, c.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.GetCard(ctx, u.ID, c.ID); !got.Suspended || got.Sched.State != state {
		t.Errorf("suspend: %+v", got)
	}
	if err := s.SetSuspended(ctx, u.ID, c.ID, false); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.GetCard(ctx, u.ID, c.ID); got.Suspended {
		t.Error("unsuspend left the card suspended")
	}

	if err := s.DeleteCard(ctx, u.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetCard(ctx, u.ID, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted card: %v, want ErrNotFound", err)
	}
	var states int
	s.reader.QueryRow("SELECT COUNT(*) FROM card_state WHERE card_id = ?", c.ID).Scan(&states)
	if states != 0 {
		t.Error("deleting a card left its scheduling state behind")
	}
}

func TestCardInputRefused(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	other := cardsTestUser(t, s, "bob")
	bobsDeck, _ := s.CreateDeck(ctx, other.ID, "Bob's")
	for name, in := range map[string]CardInput{
		"no front":         {Back: "b"},
		"blank back":       {Front: "f", Back: " \n "},
		"huge front":       {Front: strings.Repeat("x", MaxCardTextRunes+1), Back: "b"},
		"unknown category": {Front: "f", Back: "b", Category: "no-such-thing"},
		"another's deck":   {Front: "f", Back: "b", DeckID: bobsDeck.ID},
		"long key point":   {Front: "f", Back: "b", KeyPoints: []string{strings.Repeat("k", MaxKeyPointRunes+1)}},
	} {
		if _, err := s.CreateCard(ctx, u.ID, in); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: CreateCard = %v, want ErrInvalid", name, err)
		}
	}
	if n, _ := s.CountCards(ctx, u.ID); n != 0 {
		t.Errorf("refused cards were stored: %d", n)
	}
}

// User B can neither see nor change user A's cards: every call answers as
// if the card did not exist.
func TestCardOwnership(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	a := cardsTestUser(t, s, "ada")
	b := cardsTestUser(t, s, "bob")
	c, err := s.CreateCard(ctx, a.ID, CardInput{Front: "Ada's question", Back: "Ada's answer"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetCard(ctx, b.ID, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetCard by another user: %v", err)
	}
	if err := s.UpdateCard(ctx, b.ID, c.ID, CardInput{Front: "mine now", Back: "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateCard by another user: %v", err)
	}
	if err := s.SetSuspended(ctx, b.ID, c.ID, true); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetSuspended by another user: %v", err)
	}
	if err := s.DeleteCard(ctx, b.ID, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteCard by another user: %v", err)
	}
	decks, _ := s.ListDecks(ctx, a.ID)
	if err := s.DeleteDeck(ctx, b.ID, decks[0].ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteDeck by another user: %v", err)
	}
	if cards, _ := s.ListCards(ctx, b.ID, CardFilter{}); len(cards) != 0 {
		t.Errorf("bob lists ada's cards: %+v", cards)
	}
	got, err := s.GetCard(ctx, a.ID, c.ID)
	if err != nil || got.Front != "Ada's question" || got.Suspended {
		t.Errorf("ada's card changed: %+v %v", got, err)
	}
}

func TestListCardsFilters(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	deck, _ := s.CreateDeck(ctx, u.ID, "Other")
	for _, in := range []CardInput{
		{Front: "What does 50% recall mean?", Back: "Half the positives found.", Category: "accuracy-only"},
		{Front: "Why snake_case?", Back: "Style.", Category: "coding-fundamentals", DeckID: deck.ID},
		{Front: "Plain question", Back: "It's fine; \"quoted\".", Category: "coding-fundamentals"},
	} {
		if _, err := s.CreateCard(ctx, u.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	count := func(f CardFilter) int {
		t.Helper()
		cards, err := s.ListCards(ctx, u.ID, f)
		if err != nil {
			t.Fatalf("ListCards(%+v): %v", f, err)
		}
		return len(cards)
	}
	for _, tc := range []struct {
		f    CardFilter
		want int
	}{
		{CardFilter{}, 3},
		{CardFilter{Query: "%"}, 1},
		{CardFilter{Query: "_"}, 1},
		{CardFilter{Query: "'"}, 1},
		{CardFilter{Query: `"; DROP TABLE cards; --`}, 0},
		{CardFilter{Query: "QUESTION plain"}, 1},
		{CardFilter{Category: "coding-fundamentals"}, 2},
		{CardFilter{DeckID: deck.ID}, 1},
		{CardFilter{Category: "coding-fundamentals", DeckID: deck.ID}, 1},
		{CardFilter{Limit: 2}, 2},
		{CardFilter{Limit: 2, Offset: 2}, 1},
	} {
		if got := count(tc.f); got != tc.want {
			t.Errorf("ListCards(%+v) = %d cards, want %d", tc.f, got, tc.want)
		}
	}
	if n, _ := s.CountCards(ctx, u.ID); n != 3 {
		t.Errorf("the cards table lost rows: %d", n)
	}
}

func TestDecksAndCategories(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	deck, err := s.CreateDeck(ctx, u.ID, "Systems")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDeck(ctx, u.ID, "Systems"); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate deck: %v", err)
	}
	if _, err := s.CreateDeck(ctx, u.ID, "  "); !errors.Is(err, ErrInvalid) {
		t.Errorf("blank deck name: %v", err)
	}
	c, _ := s.CreateCard(ctx, u.ID, CardInput{Front: "f", Back: "b", DeckID: deck.ID})
	decks, _ := s.ListDecks(ctx, u.ID)
	if len(decks) != 1 || decks[0].Cards != 1 {
		t.Errorf("decks: %+v", decks)
	}
	if err := s.DeleteDeck(ctx, u.ID, deck.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetCard(ctx, u.ID, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting a deck left its card: %v", err)
	}

	cat, err := s.CreateCategory(ctx, u.ID, "System design", "Boxes and arrows.")
	if err != nil || cat.Slug != "system-design" {
		t.Fatalf("CreateCategory = %+v, %v", cat, err)
	}
	if _, err := s.CreateCategory(ctx, u.ID, "System Design!", ""); !errors.Is(err, ErrConflict) {
		t.Errorf("same slug twice: %v", err)
	}
	cats, _ := s.ListCategories(ctx, u.ID)
	if len(cats) != len(BuiltinCategories())+2 || !cats[0].Builtin || cats[len(cats)-1].Slug != "system-design" || cats[len(cats)-1].Builtin {
		t.Errorf("categories: %+v", cats)
	}
}

// TestListCardsPagesByID pages the card list the way the API does: each
// page asks for the cards below the last id seen. Cards added or deleted
// meanwhile neither repeat nor hide a card of the pages still to come.
func TestListCardsPagesByID(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	drafts := make([]CardDraft, 250)
	for i := range drafts {
		drafts[i] = CardDraft{Key: fmt.Sprintf("k%d", i), Front: fmt.Sprintf("Q%d", i), Back: "A", Category: "accuracy-only"}
	}
	if _, err := s.ImportDrafts(ctx, u.ID, "Deck", drafts, nil); err != nil {
		t.Fatal(err)
	}
	all, _ := s.ListCards(ctx, u.ID, CardFilter{})
	seen := map[int64]int{}
	var before, added int64
	for page := 0; ; page++ {
		cards, err := s.ListCards(ctx, u.ID, CardFilter{Before: before, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(cards) > 100 {
			t.Fatalf("page %d holds %d cards, limit 100", page, len(cards))
		}
		for i, c := range cards {
			seen[c.ID]++
			if i > 0 && c.ID >= cards[i-1].ID {
				t.Fatalf("page %d is not newest first: %d after %d", page, c.ID, cards[i-1].ID)
			}
		}
		if len(cards) < 100 {
			break
		}
		before = cards[len(cards)-1].ID
		if page == 0 {
			// Between pages: a new card arrives, and one still to come goes.
			c, err := s.CreateCard(ctx, u.ID, CardInput{Front: "new", Back: "card"})
			if err != nil {
				t.Fatal(err)
			}
			added = c.ID
			if err := s.DeleteCard(ctx, u.ID, all[len(all)-1].ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(seen) != len(all)-1 || seen[added] != 0 || seen[all[len(all)-1].ID] != 0 {
		t.Errorf("paging saw %d cards (new one %d times, deleted one %d times), want the %d there were",
			len(seen), seen[added], seen[all[len(all)-1].ID], len(all)-1)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("card %d listed %d times", id, n)
		}
	}
}

// TestCardListQueryWalksAnIndex: a page of the card list must not sort the
// whole account to find its cards, or a page of 100 costs as much as the
// account (100,000 cards: 1.4 s and 230 MB for one unpaged call).
func TestCardListQueryWalksAnIndex(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	for _, f := range []CardFilter{
		{Limit: 101},
		{Limit: 101, Before: 5000},
		{Limit: 101, Before: 5000, Category: "accuracy-only"},
		{Limit: 101, Category: "accuracy-only"},
		{Limit: 101, Before: 5000, Query: "recall"},
	} {
		q, args := cardListQuery(1, f)
		rows, err := s.reader.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); strings.Contains(p, "TEMP B-TREE") || !strings.Contains(p, "SEARCH c USING INDEX") {
			t.Errorf("ListCards(%+v) sorts the account instead of walking an index: %s", f, p)
		}
	}
}

// TestCategoriesPerAccountAreBounded: the category list and the mastery
// table come whole, so an account's categories are capped, by every door.
func TestCategoriesPerAccountAreBounded(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	cats, _ := s.ListCategories(ctx, u.ID)
	if _, err := s.writer.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO categories (user_id, slug, name) SELECT ?, 'extra-' || i, 'Extra ' || i FROM n`, MaxCategories-len(cats)-1, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCategory(ctx, u.ID, "The last one", ""); err != nil {
		t.Fatalf("category number %d: %v", MaxCategories, err)
	}
	_, err := s.CreateCategory(ctx, u.ID, "One too many", "")
	if !errors.Is(err, ErrInvalid) || !strings.Contains(Message(err), "at most 1000 categories") {
		t.Errorf("category number %d: %v, want a refusal naming the limit", MaxCategories+1, err)
	}
	_, err = s.ImportDrafts(ctx, u.ID, "Deck", []CardDraft{{Key: "k", Front: "Q", Back: "A", Category: "brand-new"}}, nil)
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("an import making category number %d: %v, want ErrInvalid", MaxCategories+1, err)
	}
	if n, _ := s.CountCards(ctx, u.ID); n != 0 {
		t.Errorf("the refused import left %d cards", n)
	}
	if cats, _ := s.ListCategories(ctx, u.ID); len(cats) != MaxCategories {
		t.Errorf("%d categories, want %d", len(cats), MaxCategories)
	}
}

// TestDecksAndTokensPerAccountAreBounded: an account's decks and API tokens
// are listed whole, so each is capped, with a refusal naming the limit,
// and a freed place can be taken again.
func TestDecksAndTokensPerAccountAreBounded(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	u := cardsTestUser(t, s, "ada")
	decks, _ := s.ListDecks(ctx, u.ID)
	if _, err := s.writer.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO decks (user_id, name, builtin, created_at) SELECT ?, 'Extra ' || i, '', '2026-01-01T00:00:00Z' FROM n`, MaxDecks-len(decks)-1, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDeck(ctx, u.ID, "The last one"); err != nil {
		t.Fatalf("deck number %d: %v", MaxDecks, err)
	}
	_, err := s.CreateDeck(ctx, u.ID, "One too many")
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "at most 1000 decks") {
		t.Errorf("deck number %d: %v, want a refusal naming the limit", MaxDecks+1, err)
	}
	_, err = s.ImportDrafts(ctx, u.ID, "A new deck", []CardDraft{{Key: "k", Front: "Q", Back: "A"}}, nil)
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("an import making deck number %d: %v, want ErrInvalid", MaxDecks+1, err)
	}
	if n, _ := s.CountCards(ctx, u.ID); n != 0 {
		t.Errorf("the refused import left %d cards", n)
	}
	// An import into a deck that exists needs no new place.
	if _, err := s.ImportDrafts(ctx, u.ID, "The last one", []CardDraft{{Key: "k", Front: "Q", Back: "A"}}, nil); err != nil {
		t.Errorf("an import into an existing deck at the limit: %v", err)
	}

	var last Token
	for i := range MaxTokens {
		_, tok, err := s.CreateToken(ctx, u.ID, "t")
		if err != nil {
			t.Fatalf("token %d: %v", i+1, err)
		}
		last = tok
	}
	_, _, err = s.CreateToken(ctx, u.ID, "t")
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "at most 100 API tokens") {
		t.Errorf("token number %d: %v, want a refusal naming the limit", MaxTokens+1, err)
	}
	if err := s.RevokeToken(ctx, u.ID, last.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateToken(ctx, u.ID, "t"); err != nil {
		t.Errorf("a token after revoking one: %v", err)
	}
	// The cap is per account.
	bob := cardsTestUser(t, s, "bob")
	if _, _, err := s.CreateToken(ctx, bob.ID, "t"); err != nil {
		t.Errorf("another account's first token: %v", err)
	}
}
