package data

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkBrowseCards is one page of the card browser, count included, on
// an account of 10,000 cards in assorted states: the order added, the
// other orders (a sort of every card's key), a state and a search.
func BenchmarkBrowseCards(b *testing.B) {
	ctx := context.Background()
	s := openTestStore(b)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	u, err := s.CreateUser(ctx, "ada", "correct horse", DefaultSettings())
	if err != nil {
		b.Fatal(err)
	}
	const cards = 10_000
	drafts := make([]CardDraft, cards)
	for i := range drafts {
		drafts[i] = CardDraft{Key: fmt.Sprint(i), Front: fmt.Sprintf("Question %d about a topic worth a line or two of text", i),
			Back: "An answer of a few words, as most are.", Category: "data-quality"}
	}
	if _, err := s.ImportDrafts(ctx, u.ID, "deck", drafts, nil); err != nil {
		b.Fatal(err)
	}
	today := int(s.studyDay(DefaultSettings()))
	// Two cards in three learned, due over the next months, with eases
	// and lapses spread out.
	if _, err := s.writer.Exec(`UPDATE card_state SET repetitions = 2, interval = card_id % 90 + 1,
		ease = 130 + card_id * 7 % 170, lapses = card_id % 5, due = ? + card_id % 60 - 10, last_day = ? - 10
		WHERE card_id % 3 <> 0`, today, today); err != nil {
		b.Fatal(err)
	}
	syncCardEffects(b, s)
	for _, bc := range []struct {
		name string
		q    CardBrowse
	}{
		{"added", CardBrowse{Desc: true}},
		{"added-page-100", CardBrowse{Desc: true, Offset: 99 * 50}},
		{"ease", CardBrowse{Sort: SortEase}},
		{"due-page-100", CardBrowse{Sort: SortDue, Offset: 99 * 50}},
		{"state-due", CardBrowse{State: DueCards, Sort: SortDue}},
		{"state-new", CardBrowse{State: NewCards, Desc: true}},
		{"search", CardBrowse{Query: "question 77", Desc: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bc.q.Limit = 50
			for b.Loop() {
				p, err := s.BrowseCards(ctx, u.ID, bc.q)
				if err != nil || len(p.Cards) == 0 {
					b.Fatalf("%d cards, %v", len(p.Cards), err)
				}
			}
		})
	}
}
