package handlers

import (
	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/data/cardtext"
)

// cardFrontPlain is a card's front as plain text for lists and messages:
// a cloze card's with its own deletions blank, so the cards of one note
// are told apart.
func cardFrontPlain(c data.Card) string {
	if c.Cloze > 0 {
		return cardtext.ClozePlainFront(c.Front, c.Cloze)
	}
	return cardtext.PlainText(c.Front)
}
