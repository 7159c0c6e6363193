package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"

	"github.com/flashcards/flashcards/data/cardtext"
)

// noteGroups gathers the cards of cloze notes as an import stores them:
// the cards of one note (the same name within the import) get one
// note_id, that of a card of the note the user has already when there is
// one (the note imported before, with fewer deletions), else that of the
// note's first card stored.
type noteGroups struct {
	keys map[string][]string // note -> the keys of its cards in the import
	ids  map[string]int64    // note -> note_id, once known
}

func newNoteGroups() noteGroups {
	return noteGroups{keys: map[string][]string{}, ids: map[string]int64{}}
}

// add records that the card with key belongs to note.
func (g noteGroups) add(note, key string) {
	if note == "" {
		note = key
	}
	g.keys[note] = append(g.keys[note], key)
}

// join makes the stored card cardID the card with number n of note.
func (g noteGroups) join(ctx context.Context, tx *sql.Tx, userID int64, note string, n int, cardID int64) error {
	id, ok := g.ids[note]
	if !ok {
		keys, _ := json.Marshal(g.keys[note])
		err := tx.QueryRowContext(ctx, `SELECT note_id FROM cards WHERE user_id = ? AND note_id IS NOT NULL
			AND key IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT 1`, userID, string(keys)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			id = cardID
		} else if err != nil {
			return err
		}
		g.ids[note] = id
	}
	return setCloze(ctx, tx, cardID, n, id)
}

// checkClozeDraft checks a cloze draft's number against its text (read as
// an import reads it, broken markup as plain text) and gives it its key
// points, the deleted text.
func checkClozeDraft(d *CardDraft) error {
	if d.Cloze == 0 {
		if d.Back == "" { // Validate lets a front with cloze markup go without: it is no cloze here
			return Errorf(ErrInvalid, "A card needs a front and a back")
		}
		return nil
	}
	if d.Cloze < 0 || d.Cloze > cardtext.MaxClozeNumber {
		return Errorf(ErrInvalid, "Cloze numbers go from 1 to %d", cardtext.MaxClozeNumber)
	}
	if nums, _ := cardtext.ClozeNumbers(d.Front, false); !slices.Contains(nums, d.Cloze) {
		return Errorf(ErrInvalid, "The text has no cloze deletion {{c%d::…}}", d.Cloze)
	}
	d.KeyPoints = clozeKeyPoints(d.Front, d.Cloze)
	return nil
}
