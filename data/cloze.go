package data

// Cloze notes (issue 19): a card whose front has {{c1::…}} deletions is a
// note of one card per deletion number (migration 0015). The text rules
// live in data/cardtext (cloze.go); here the store keeps a note's cards in
// step with its text.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/srs/words"
)

// CardEdit says what saving a card did. A basic card is one card updated;
// a cloze note's edit updates the cards whose number is still in the text,
// adds a card for each new number and moves to the trash those whose
// number is gone.
type CardEdit struct {
	Updated, Added, Trashed int
	// Cloze is true when the card is (now) a cloze note.
	Cloze bool
	// CardID is the edited card, or when its number is gone from the
	// note, the note's card of the lowest number: where the editor goes on.
	CardID int64
}

// MaxClozeCards bounds the numbers of one cloze note typed on the form:
// saving renders every card of the note, and real notes have a handful.
const MaxClozeCards = 100

// clozeKeyPoints are a cloze card's key points: the text of its
// deletions, cut to what a key point may hold. The card form's key points
// are not used for a cloze card (docs/markdown.md).
func clozeKeyPoints(text string, n int) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range cardtext.ClozeAnswers(text, n) {
		if r := []rune(a); len(r) > MaxKeyPointRunes {
			a = strings.TrimSpace(string(r[:MaxKeyPointRunes]))
		}
		if a == "" || seen[strings.ToLower(a)] || len(out) == MaxKeyPoints {
			continue
		}
		seen[strings.ToLower(a)] = true
		out = append(out, a)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// clozeNumbersOf checks a card form's front as a cloze note's text and
// returns its numbers; none for a basic card.
func clozeNumbersOf(front string) ([]int, error) {
	if !cardtext.HasCloze(front) {
		return nil, nil
	}
	nums, err := cardtext.ClozeNumbers(front, true)
	var ce *cardtext.ClozeError
	if errors.As(err, &ce) {
		return nil, Errorf(ErrInvalid, "%s", ce.Message)
	}
	if err != nil {
		return nil, err
	}
	if len(nums) > MaxClozeCards {
		return nil, Errorf(ErrInvalid, "A cloze note may have at most %d numbers, one card each; this one has %d", MaxClozeCards, len(nums))
	}
	for _, n := range nums {
		if len(cardtext.ClozeAnswers(front, n)) == 0 {
			return nil, Errorf(ErrInvalid, "The cloze deletion {{c%d::…}} has no text to ask for", n)
		}
	}
	return nums, nil
}

// clozeCardKey is the key of a note's card with number n: the note's key
// and "#c<n>" (draft.ClozeCardKey), so the cards of a note exported and
// imported again come back as themselves.
func clozeCardKey(noteKey string, n int) string { return draft.ClozeCardKey(noteKey, n) }

// clozeNoteKey is the note's key in a card's key, and false for a key
// that is not one of a cloze card with number n.
func clozeNoteKey(key string, n int) (string, bool) {
	return strings.CutSuffix(key, "#c"+strconv.Itoa(n))
}

// renderedCloze is a note's cards rendered before the writer is taken.
type renderedCloze struct {
	nums []int
	kps  map[int][]string
	html map[int]cardtext.RenderedCard
}

func renderClozeNote(front, back string, nums []int) renderedCloze {
	r := renderedCloze{nums: nums, kps: map[int][]string{}, html: map[int]cardtext.RenderedCard{}}
	for _, n := range nums {
		r.kps[n] = clozeKeyPoints(front, n)
		r.html[n] = cardtext.RenderCloze(front, back, n, r.kps[n])
	}
	return r
}

// createClozeNote adds a note's cards, one per number, in tx.
func (s *Store) createClozeNote(ctx context.Context, tx *sql.Tx, userID, deckID, catID int64, in CardInput, r renderedCloze) (first int64, err error) {
	ins, err := newCardInserter(ctx, tx, userID, s.now())
	if err != nil {
		return 0, err
	}
	defer ins.close()
	tw := newTagWriter(tx, userID)
	defer tw.close()
	noteKey := "user:" + newKeySuffix()
	var noteID int64
	for _, n := range r.nums {
		h := r.html[n]
		id, err := ins.insert(ctx, deckID, catID, clozeCardKey(noteKey, n), in.Front, in.Back, r.kps[n], nil, "typed in", &h)
		if err != nil {
			return 0, err
		}
		if err := tw.add(ctx, id, in.Tags); err != nil {
			return 0, err
		}
		if noteID == 0 {
			noteID, first = id, id
		}
		if err := setCloze(ctx, tx, id, n, noteID); err != nil {
			return 0, err
		}
	}
	return first, nil
}

// setCloze makes a card the one with number n of note noteID.
func setCloze(ctx context.Context, tx *sql.Tx, cardID int64, n int, noteID int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE cards SET cloze = ?, note_id = ? WHERE id = ?", n, noteID, cardID)
	return err
}

// noteMember is one card of a note as an edit reads it.
type noteMember struct {
	id    int64
	key   string
	cloze int
}

// noteMembers reads the cards of the edited card's note out of the trash:
// the card alone when it is a basic card.
func noteMembers(ctx context.Context, tx *sql.Tx, userID int64, cur Card) ([]noteMember, error) {
	if cur.NoteID == 0 {
		return []noteMember{{id: cur.ID, key: cur.Key, cloze: cur.Cloze}}, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, key, cloze FROM cards WHERE user_id = ?1 AND note_id = ?2 AND deleted_at IS NULL
		AND id < `+visibleBelow("?1")+` ORDER BY cloze, id`, userID, cur.NoteID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []noteMember
	for rows.Next() {
		var m noteMember
		if err := rows.Scan(&m.id, &m.key, &m.cloze); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// editClozeNote saves the edit of a card that is, or becomes, a cloze
// note, in tx: the cards of the note whose number stays are updated in
// place (their history stays), new numbers get new cards and the cards
// whose number is gone go to the trash. cur is the edited card.
func (s *Store) editClozeNote(ctx context.Context, tx *sql.Tx, userID int64, cur Card, catID, deckID int64, in CardInput, r renderedCloze) (CardEdit, error) {
	edit := CardEdit{Cloze: true, CardID: cur.ID}
	members, err := noteMembers(ctx, tx, userID, cur)
	if err != nil {
		return edit, err
	}
	noteID := cur.NoteID
	if noteID == 0 {
		// A basic card becomes a note: it is the card of the lowest number.
		noteID = cur.ID
		members[0].cloze = r.nums[0]
	}
	noteKey := ""
	for _, m := range members {
		if k, ok := clozeNoteKey(m.key, m.cloze); ok && m.cloze > 0 {
			noteKey = k
			break
		}
	}
	if noteKey == "" {
		noteKey = cur.Key
	}
	byNumber := map[int]noteMember{}
	var gone []int64
	for _, m := range members {
		if _, dup := byNumber[m.cloze]; dup || !slices.Contains(r.nums, m.cloze) {
			gone = append(gone, m.id)
			continue
		}
		byNumber[m.cloze] = m
	}
	now := formatTime(s.now())
	tw := newTagWriter(tx, userID) // the note's tags are each of its cards'
	defer tw.close()
	var ins *cardInserter
	for _, n := range r.nums {
		h := r.html[n]
		kps, _ := json.Marshal(r.kps[n])
		if m, ok := byNumber[n]; ok {
			key := m.key
			if _, ok := clozeNoteKey(key, n); !ok {
				key = clozeCardKey(noteKey, n)
			}
			_, err := tx.ExecContext(ctx, `UPDATE cards SET front = ?, back = ?, category_id = ?, deck_id = ?, key_points = ?,
				front_html = ?, back_html = ?, key_points_html = ?, render_version = ?, key = ?, cloze = ?, note_id = ?,
				edited = 1, updated_at = ? WHERE id = ? AND user_id = ?`,
				in.Front, in.Back, catID, deckID, string(kps),
				h.FrontHTML, h.BackHTML, keyPointsHTMLJSON(h), cardtext.RenderVersion, key, n, noteID,
				now, m.id, userID)
			if isUniqueViolation(err) {
				return edit, Errorf(ErrConflict, "Another card of yours has the key %q; nothing was saved", key)
			}
			if err != nil {
				return edit, err
			}
			if err := tw.set(ctx, m.id, in.Tags); err != nil {
				return edit, err
			}
			edit.Updated++
			if n == r.nums[0] && !slices.Contains(r.nums, cur.Cloze) && cur.NoteID != 0 {
				edit.CardID = m.id
			}
			continue
		}
		if ins == nil {
			if err := noPendingImport(ctx, tx, userID); err != nil {
				return edit, err
			}
			if ins, err = newCardInserter(ctx, tx, userID, s.now()); err != nil {
				return edit, err
			}
			defer ins.close()
		}
		key := clozeCardKey(noteKey, n)
		if taken, err := keyTaken(ctx, tx, userID, key); err != nil {
			return edit, err
		} else if taken {
			key = clozeCardKey("user:"+newKeySuffix(), n)
		}
		id, err := ins.insert(ctx, deckID, catID, key, in.Front, in.Back, r.kps[n], nil, "typed in", &h)
		if err != nil {
			return edit, err
		}
		if err := setCloze(ctx, tx, id, n, noteID); err != nil {
			return edit, err
		}
		if err := tw.add(ctx, id, in.Tags); err != nil {
			return edit, err
		}
		edit.Added++
		if n == r.nums[0] && !slices.Contains(r.nums, cur.Cloze) && cur.NoteID != 0 {
			edit.CardID = id
		}
	}
	if len(gone) > 0 {
		set, _ := json.Marshal(gone)
		res, err := tx.ExecContext(ctx, `UPDATE cards SET deleted_at = ?, key = `+qTrashKey+`
			WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))`, now, userID, string(set))
		if err != nil {
			return edit, err
		}
		n, _ := res.RowsAffected()
		edit.Trashed = int(n)
	}
	return edit, nil
}

func keyTaken(ctx context.Context, tx *sql.Tx, userID int64, key string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM cards WHERE user_id = ? AND key = ?", userID, key).Scan(&n)
	return n > 0, err
}

// isUniqueViolation reports a UNIQUE constraint refusing a write.
func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// CountNoteCards returns how many cards of the user's cloze note are out
// of the trash.
func (s *Store) CountNoteCards(ctx context.Context, userID, noteID int64) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM cards WHERE user_id = ?1 AND note_id = ?2 AND deleted_at IS NULL
		AND id < `+visibleBelow("?1"), userID, noteID).Scan(&n)
	return n, err
}

// Summary says what an edit did, for the page: "Card saved." or, for a
// cloze note, "Cloze note saved: 2 cards updated, 1 moved to the trash."
func (e CardEdit) Summary() string {
	if !e.Cloze {
		return "Card saved."
	}
	parts := []string{words.Count(e.Updated, "card", "cards") + " updated"}
	if e.Added > 0 {
		parts = append(parts, words.Count(e.Added, "card", "cards")+" added")
	}
	if e.Trashed > 0 {
		parts = append(parts, words.Count(e.Trashed, "card", "cards")+" moved to the trash")
	}
	return "Cloze note saved: " + strings.Join(parts, ", ") + "."
}

// rejoinRestoredClozes runs in the transaction that brings cards ids
// back from the trash. A cloze card goes to the trash when an edit drops
// its number, or by hand. When the note's other cards out of the trash
// no longer hold its number, the card keeps its own text and becomes a
// note of its own, so the next edit of the note does not send it back to
// the trash. (When they still hold it, the note was not edited since, or
// an edit gave the number a new card, whose key the restore refuses to
// take over: either way the card's text is the note's.)
func rejoinRestoredClozes(ctx context.Context, tx *sql.Tx, userID int64, ids string) error {
	type restored struct {
		id, note int64
		n        int
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, note_id, cloze FROM cards
		WHERE user_id = ? AND cloze > 0 AND id IN (SELECT value FROM json_each(?))`, userID, ids)
	if err != nil {
		return err
	}
	var cards []restored
	for rows.Next() {
		var r restored
		if err := rows.Scan(&r.id, &r.note, &r.n); err != nil {
			rows.Close()
			return err
		}
		cards = append(cards, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range cards {
		var front string
		err := tx.QueryRowContext(ctx, `SELECT front FROM cards WHERE user_id = ? AND note_id = ? AND id <> ?
			AND deleted_at IS NULL AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY updated_at DESC, id LIMIT 1`,
			userID, r.note, r.id, ids).Scan(&front)
		if errors.Is(err, sql.ErrNoRows) {
			continue // the note's other cards are in the trash or gone: it is the note
		}
		if err != nil {
			return err
		}
		if nums, _ := cardtext.ClozeNumbers(front, false); !slices.Contains(nums, r.n) {
			if _, err := tx.ExecContext(ctx, `UPDATE cards SET note_id = id WHERE id = ?`, r.id); err != nil {
				return err
			}
		}
	}
	return nil
}
