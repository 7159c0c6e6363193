package data

import (
	"context"
	"fmt"
	"slices"

	"github.com/flashcards/flashcards/data/cardtext"
)

// qSetCloze makes a restored card the card of its number in its note.
const qSetCloze = "UPDATE cards SET cloze = ?, note_id = ? WHERE id = ?"

// checkCloze checks an exported card's cloze number and note: a number
// its text has (read as an import reads it), a note id like a card's.
func (c exportCard) checkCloze() error {
	if c.Cloze == 0 && c.Note == 0 {
		return nil
	}
	if c.Cloze < 1 || c.Cloze > cardtext.MaxClozeNumber || c.Note < 0 {
		return fmt.Errorf("the cloze number must be 1 to %d, the note a positive number", cardtext.MaxClozeNumber)
	}
	if nums, _ := cardtext.ClozeNumbers(c.Front, false); !slices.Contains(nums, c.Cloze) {
		return fmt.Errorf("the front has no cloze deletion {{c%d::…}}", c.Cloze)
	}
	return nil
}

// cloze writes a restored cloze card's number and note: the cards of one
// note of the export are one note here, named by the first of them
// restored.
func (w *restoreWriter) cloze(ctx context.Context, c *exportCard, id int64) error {
	if c.Cloze == 0 {
		return nil
	}
	note := c.Note
	if note == 0 {
		note = -c.ID // a cloze card without a note is one of its own
	}
	noteID, ok := w.j.notes[note]
	if !ok {
		noteID = id
		w.j.notes[note] = id
	}
	_, err := w.setCloze.ExecContext(ctx, c.Cloze, noteID, id)
	return err
}
