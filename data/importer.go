package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/cardtext"
)

// ImportResult says what an import did.
type ImportResult struct {
	Deck          string
	Found         int      // cards the document holds
	Added         int      // new cards stored
	Skipped       int      // cards already there (same identity), left as they were
	NewCategories []string // slugs of categories the import created
	// Unanswered lists the questions of a Q&A document that were skipped
	// for want of an answer, in document order.
	Unanswered []UnansweredQuestion
}

// sourceName is how a card's source names the file it came from: its base
// name, as valid text, clipped to MaxNameRunes so that the source fits what
// an export may carry back in.
func sourceName(name string) string {
	base := strings.TrimSpace(strings.ToValidUTF8(filepath.Base(name), ""))
	if r := []rune(base); len(r) > MaxNameRunes {
		base = string(r[:MaxNameRunes])
	}
	return base
}

// DeckNameFor is the deck an imported file's cards go to: its base name.
func DeckNameFor(name string) string {
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	base = strings.TrimSpace(base)
	if base == "" || base == "." || !utf8.ValidString(base) {
		return "Imported"
	}
	if r := []rune(base); len(r) > MaxNameRunes {
		base = string(r[:MaxNameRunes])
	}
	return base
}

// ImportDrafts stores card drafts, all or nothing. Drafts whose identity
// the user already has are skipped, so importing a file twice adds nothing.
// Categories the user lacks are created. Any invalid draft, or more than
// MaxImportCards, stores nothing. A large import is written in chunks
// between other users' writes and shows only once it is all in (see
// runImport).
func (s *Store) ImportDrafts(ctx context.Context, userID int64, deckName string, drafts []CardDraft, progress func(done, total int)) (ImportResult, error) {
	res := ImportResult{Deck: deckName, Found: len(drafts)}
	if len(drafts) == 0 {
		return res, DocumentError(ErrNoQA)
	}
	if len(drafts) > importCardLimit {
		return res, tooManyCards(len(drafts))
	}
	for i := range drafts {
		in := CardInput{Front: drafts[i].Front, Back: drafts[i].Back, KeyPoints: drafts[i].KeyPoints, Category: drafts[i].Category, Tags: drafts[i].Tags}
		if err := in.Validate(); err != nil {
			return res, &Error{Kind: ErrInvalid, Message: fmt.Sprintf("Card %d (%s): %s", i+1, drafts[i].Source, Message(err)), Err: err}
		}
		if !ValidSlug(in.Category) {
			return res, Errorf(ErrInvalid, "Card %d (%s): %q is not a category slug", i+1, drafts[i].Source, in.Category)
		}
		drafts[i].Front, drafts[i].Back, drafts[i].KeyPoints, drafts[i].Category, drafts[i].Tags = in.Front, in.Back, in.KeyPoints, in.Category, in.Tags
		if err := checkClozeDraft(&drafts[i]); err != nil {
			return res, Errorf(ErrInvalid, "Card %d (%s): %s", i+1, drafts[i].Source, Message(err))
		}
	}
	job := &draftsImport{s: s, userID: userID, deckName: deckName, drafts: drafts, progress: progress}
	if err := s.runImport(ctx, userID, job); err != nil {
		return ImportResult{Deck: deckName, Found: len(drafts)}, err
	}
	if job.progress != nil {
		job.progress(len(drafts), len(drafts))
	}
	return job.res, nil
}

// renderAhead is how many cards an import renders before each chunk,
// outside the writer; a chunk ends early when it has stored them all, so
// every card is stored with its HTML.
const renderAhead = 512

// draftsImport is ImportDrafts' work, in chunks.
type draftsImport struct {
	s        *Store
	userID   int64
	deckName string
	drafts   []CardDraft
	progress func(done, total int)
	// rendered holds the HTML of drafts not stored yet, by index, made
	// ahead of the chunk that stores them; every draft from next up to
	// ahead is rendered or already the user's.
	rendered map[int]*cardtext.RenderedCard
	ahead    int
	keys     priorKeys

	// Set by begin: the first chunk may run twice.
	res      ImportResult
	next     int // the next draft to store
	deckID   int64
	existing map[string]bool
	cats     map[string]int64
	notes    noteGroups // the cloze notes' cards
}

func (j *draftsImport) prepare(ctx context.Context) error {
	if j.rendered == nil {
		j.rendered = map[int]*cardtext.RenderedCard{}
		if err := j.keys.read(ctx, j.s, j.userID); err != nil {
			return err
		}
		j.existing = j.keys.keys
	}
	for n := 0; j.ahead < len(j.drafts) && n < renderAhead; j.ahead++ {
		d := j.drafts[j.ahead]
		if j.existing[d.Key] || j.rendered[j.ahead] != nil {
			continue
		}
		r := cardtext.RenderCardAs(d.Front, d.Back, d.Cloze, d.KeyPoints)
		j.rendered[j.ahead] = &r
		n++
	}
	return ctx.Err()
}

func (j *draftsImport) begin(ctx context.Context, tx *sql.Tx, p *pendingImport) error {
	j.res = ImportResult{Deck: j.deckName, Found: len(j.drafts)}
	j.next, j.ahead = 0, 0
	j.notes = newNoteGroups()
	for _, d := range j.drafts {
		if d.Cloze > 0 {
			j.notes.add(d.Note, d.Key)
		}
	}
	if _, err := j.s.userByIDTx(ctx, tx, j.userID); err != nil {
		return err
	}
	var err error
	if j.deckID, err = j.s.importDeck(ctx, tx, p, j.userID, j.deckName, ""); err != nil {
		return err
	}
	if j.existing, err = j.keys.inTx(ctx, tx, j.userID); err != nil {
		return err
	}
	j.cats, err = categoryIDs(ctx, tx, j.userID)
	return err
}

func (j *draftsImport) step(ctx context.Context, tx *sql.Tx, p *pendingImport, clock *chunkClock) (bool, error) {
	cards, err := newImportCards(ctx, tx, p, j.userID, j.s.now(), j.notes)
	if err != nil {
		return false, err
	}
	defer cards.close()
	for wrote := 0; j.next < len(j.drafts); j.next++ {
		i, d := j.next, j.drafts[j.next]
		if j.progress != nil && i%1000 == 0 {
			j.progress(i, len(j.drafts))
		}
		if j.existing[d.Key] {
			j.res.Skipped++
			continue
		}
		r := j.rendered[i]
		if r == nil || wrote > 0 && clock.over() {
			return false, nil // render more, or let others write
		}
		wrote++
		catID, ok := j.cats[d.Category]
		if !ok {
			catID, err = insertCategory(ctx, tx, j.userID, CategoryInfo{Slug: d.Category, Name: nameFromSlug(d.Category)})
			if err != nil {
				return false, err
			}
			if err := p.createdCategory(ctx, tx, catID); err != nil {
				return false, err
			}
			j.cats[d.Category] = catID
			j.res.NewCategories = append(j.res.NewCategories, d.Category)
		}
		if _, err := cards.add(ctx, importedCard{deckID: j.deckID, catID: catID, key: d.Key, front: d.Front, back: d.Back,
			keyPoints: d.KeyPoints, source: d.Source, rendered: r, tags: d.Tags, note: d.Note, cloze: d.Cloze}); err != nil {
			return false, err
		}
		delete(j.rendered, i)
		j.existing[d.Key] = true
		j.res.Added++
	}
	return true, nil
}

func (j *draftsImport) finish(context.Context, *sql.Tx) error { return nil }

// importCards stores an import job's cards in one chunk's transaction:
// each card with its tags, its place in its cloze note, and the pending
// import's record of it, which lets a cancelled import take it away. The
// drafts' job and the Anki job store their cards through it.
type importCards struct {
	tx     *sql.Tx
	p      *pendingImport
	userID int64
	ins    *cardInserter
	tags   *tagWriter
	notes  noteGroups
}

// importedCard is one card an import stores.
type importedCard struct {
	deckID, catID            int64
	key, front, back, source string
	keyPoints, tags          []string
	rendered                 *cardtext.RenderedCard // nil: rendered after the import
	note                     string                 // the cloze note, when cloze > 0
	cloze                    int                    // the card's number in its cloze note, 0 for none
}

func newImportCards(ctx context.Context, tx *sql.Tx, p *pendingImport, userID int64, now time.Time, notes noteGroups) (*importCards, error) {
	ins, err := newCardInserter(ctx, tx, userID, now)
	if err != nil {
		return nil, err
	}
	return &importCards{tx: tx, p: p, userID: userID, ins: ins, tags: newTagWriter(tx, userID), notes: notes}, nil
}

func (w *importCards) close() {
	w.tags.close()
	w.ins.close()
}

// add stores the card and returns its id.
func (w *importCards) add(ctx context.Context, c importedCard) (int64, error) {
	id, err := w.ins.insert(ctx, c.deckID, c.catID, c.key, c.front, c.back, c.keyPoints, nil, c.source, c.rendered)
	if err != nil {
		return 0, err
	}
	if err := w.tags.add(ctx, id, c.tags); err != nil {
		return 0, err
	}
	if c.cloze > 0 {
		if err := w.notes.join(ctx, w.tx, w.userID, c.note, c.cloze, id); err != nil {
			return 0, err
		}
	}
	return id, w.p.inserted(id)
}

// importDeck is the id of the user's deck of that name, created and
// recorded with the import when missing.
func (s *Store) importDeck(ctx context.Context, tx *sql.Tx, p *pendingImport, userID int64, name, builtin string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM decks WHERE user_id = ? AND name = ?", userID, name).Scan(&id)
	if !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	if id, err = s.ensureDeck(ctx, tx, userID, name, builtin); err != nil {
		return 0, err
	}
	return id, p.createdDeck(ctx, tx, id)
}

// userByIDTx checks inside a transaction that the user exists.
func (s *Store) userByIDTx(ctx context.Context, tx *sql.Tx, userID int64) (User, error) {
	var u User
	err := tx.QueryRowContext(ctx, "SELECT id, name FROM users WHERE id = ?", userID).Scan(&u.ID, &u.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user: %w", ErrNotFound)
	}
	return u, err
}

func nameFromSlug(slug string) string {
	words := strings.Split(slug, "-")
	if len(words) > 0 && words[0] != "" {
		words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	}
	return strings.Join(words, " ")
}

// priorKeys are the keys of a user's cards before an import, read mostly
// outside the writer: from the reader pool before the import's first
// transaction, which then adds the keys of cards stored since. Reading
// them all in it held the writer for seconds in an account of 200,000
// cards. A card deleted in between still counts as there: its draft is
// skipped, as if imported just before the deletion.
type priorKeys struct {
	keys map[string]bool
	upTo int64 // the largest card id read
	used bool  // the first transaction took them: a second must read afresh
}

func (k *priorKeys) read(ctx context.Context, s *Store, userID int64) error {
	k.keys = map[string]bool{}
	var err error
	k.upTo, err = cardKeysAfter(ctx, s.reader, userID, 0, k.keys)
	return err
}

// inTx returns the keys as of tx.
func (k *priorKeys) inTx(ctx context.Context, tx *sql.Tx, userID int64) (map[string]bool, error) {
	if k.used || k.keys == nil {
		return cardKeys(ctx, tx, userID)
	}
	k.used = true
	_, err := cardKeysAfter(ctx, tx, userID, k.upTo, k.keys)
	return k.keys, err
}

// cardKeysAfter adds to keys those of the user's cards whose id is above
// after, and returns the largest id read.
func cardKeysAfter(ctx context.Context, q querier, userID, after int64, keys map[string]bool) (int64, error) {
	query := "SELECT id, key FROM cards WHERE user_id = ?1 AND id > ?2"
	if after > 0 {
		// The few cards stored since: found by id, not through every key
		// of the user.
		query = "SELECT id, key FROM cards WHERE id > ?2 AND +user_id = ?1"
	}
	rows, err := q.QueryContext(ctx, query, userID, after)
	if err != nil {
		return after, err
	}
	defer rows.Close()
	upTo := after
	for rows.Next() {
		var id int64
		var k string
		if err := rows.Scan(&id, &k); err != nil {
			return upTo, err
		}
		keys[k], upTo = true, max(upTo, id)
	}
	return upTo, rows.Err()
}

func cardKeys(ctx context.Context, q querier, userID int64) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT key FROM cards WHERE user_id = ?", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	keys := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys[k] = true
	}
	return keys, rows.Err()
}

func categoryIDs(ctx context.Context, q querier, userID int64) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, "SELECT slug, id FROM categories WHERE user_id = ?", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := map[string]int64{}
	for rows.Next() {
		var slug string
		var id int64
		if err := rows.Scan(&slug, &id); err != nil {
			return nil, err
		}
		ids[slug] = id
	}
	return ids, rows.Err()
}

// builtinKey is the card identity of a built-in card: its id never changes,
// so progress survives a release that rewords the card.
func builtinKey(id string) string { return "builtin:" + id }

// HasBuiltinDeck reports whether the user has the built-in deck.
func (s *Store) HasBuiltinDeck(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM decks WHERE user_id = ? AND builtin = ?", userID, BuiltinDeckSlug).Scan(&n)
	return n > 0, err
}

// AddBuiltinDeck gives the user the built-in deck. Cards they already have
// keep their progress; missing ones are added as new.
func (s *Store) AddBuiltinDeck(ctx context.Context, userID int64) (ImportResult, error) {
	var res ImportResult
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = s.addBuiltinDeck(ctx, tx, userID)
		return err
	})
	return res, err
}

func (s *Store) addBuiltinDeck(ctx context.Context, tx *sql.Tx, userID int64) (ImportResult, error) {
	deck := BuiltinDeck()
	res := ImportResult{Deck: BuiltinDeckName, Found: len(deck)}
	if _, err := s.userByIDTx(ctx, tx, userID); err != nil {
		return res, err
	}
	if err := noPendingImport(ctx, tx, userID); err != nil {
		return res, err
	}
	deckID, err := s.ensureDeck(ctx, tx, userID, BuiltinDeckName, BuiltinDeckSlug)
	if err != nil {
		return res, err
	}
	existing, err := cardKeys(ctx, tx, userID)
	if err != nil {
		return res, err
	}
	cats, err := categoryIDs(ctx, tx, userID)
	if err != nil {
		return res, err
	}
	ins, err := newCardInserter(ctx, tx, userID, s.now())
	if err != nil {
		return res, err
	}
	defer ins.close()
	for _, c := range deck {
		if existing[builtinKey(c.ID)] {
			res.Skipped++
			continue
		}
		catID, ok := cats[c.Category]
		if !ok {
			return res, fmt.Errorf("built-in card %s: no category %q", c.ID, c.Category)
		}
		r := cardtext.RenderCard(c.Front, c.Back, c.KeyPoints) // 37 short cards: no need to defer
		if _, err := ins.insert(ctx, deckID, catID, builtinKey(c.ID), c.Front, c.Back, c.KeyPoints, c.Synonyms, c.Source, &r); err != nil {
			return res, err
		}
		res.Added++
	}
	return res, nil
}

// qSyncBuiltin rewords one built-in card in every user's copy they have not
// edited. "user_id IN (SELECT id FROM users)" lets it seek each user's
// (user_id, key) instead of reading every card of every user, which at a
// million cards took ten seconds of every start.
const qSyncBuiltin = `UPDATE cards SET front = ?, back = ?, key_points = ?, synonyms = ?, source = ?,
	front_html = ?, back_html = ?, key_points_html = ?, render_version = ?
	WHERE user_id IN (SELECT id FROM users) AND key = ? AND edited = 0
		AND (front <> ? OR back <> ? OR key_points <> ? OR synonyms <> ? OR source <> ?)`

// SyncBuiltinDeck brings every user's unedited copies of built-in cards up to
// this release's wording, keeping their progress. It runs at start-up and
// reports how many cards changed.
func (s *Store) SyncBuiltinDeck(ctx context.Context) (int64, error) {
	var total int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, qSyncBuiltin)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range BuiltinDeck() {
			kps, _ := json.Marshal(c.KeyPoints)
			syn, _ := json.Marshal(c.Synonyms)
			html := cardtext.RenderCard(c.Front, c.Back, c.KeyPoints)
			r, err := stmt.ExecContext(ctx, c.Front, c.Back, string(kps), string(syn), c.Source,
				html.FrontHTML, html.BackHTML, keyPointsHTMLJSON(html), cardtext.RenderVersion,
				builtinKey(c.ID), c.Front, c.Back, string(kps), string(syn), c.Source)
			if err != nil {
				return err
			}
			n, _ := r.RowsAffected()
			total += n
		}
		return nil
	})
	return total, err
}
