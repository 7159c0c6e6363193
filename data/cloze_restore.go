package data

import (
	"context"

	"github.com/flashcards/flashcards/data/exportdoc"
)

// qSetCloze makes a restored card the card of its number in its note.
const qSetCloze = "UPDATE cards SET cloze = ?, note_id = ? WHERE id = ?"

// cloze writes a restored cloze card's number and note: the cards of one
// note of the export are one note here, named by the first of them
// restored.
func (w *restoreWriter) cloze(ctx context.Context, c *exportdoc.Card, id int64) error {
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
