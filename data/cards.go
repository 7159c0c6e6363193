package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/srs"
)

// Limits on what one card may hold.
const (
	MaxCardTextRunes = draft.MaxTextRunes
	MaxKeyPoints     = draft.MaxKeyPoints
	MaxKeyPointRunes = draft.MaxKeyPointRunes
	MaxNameRunes     = draft.MaxNameRunes
	MaxCategories    = draft.MaxCategories
	MaxDecks         = draft.MaxDecks
)

// CategoryInfo is a category as one user has it.
type CategoryInfo struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	Builtin     bool
}

// Deck is a named set of one user's cards.
type Deck struct {
	ID      int64
	Name    string
	Builtin string // slug of the built-in deck it came from, "" for the user's own
	Cards   int
}

// Card is one of a user's cards with its scheduling state.
type Card struct {
	ID           int64
	Key          string
	DeckID       int64
	Deck         string
	Category     string // slug
	CategoryID   int64
	CategoryName string
	Front        string // Markdown, as written
	Back         string
	KeyPoints    []string
	Synonyms     map[string][]string
	Source       string
	Tags         []string // in order, ASCII case aside (data/tags.go)
	Suspended    bool
	Sched        srs.Card
	Lapses       int
	// Memory is the card's FSRS memory state after its reviews so far,
	// kept on every grade; MemoryDay is the study day of its last review.
	// Both are zero for a card never reviewed (Reviewed false).
	Memory    srs.Memory
	MemoryDay srs.Day
	Reviewed  bool
	CreatedAt time.Time
	UpdatedAt time.Time

	// Cloze is the deletion number the card asks for, 0 for a basic card;
	// the cards of one cloze note share NoteID (0 for a basic card) and
	// their Front, the note's text (data/cloze.go).
	Cloze  int
	NoteID int64

	// The text as HTML from cardtext.RenderCard, safe to put in a page as it is;
	// KeyPointsHTML has one entry per key point.
	FrontHTML     string
	BackHTML      string
	KeyPointsHTML []string
}

// CardInput is what a person types into the card editor.
type CardInput struct {
	Front     string
	Back      string
	Category  string // slug
	DeckID    int64  // 0: the user's default deck
	KeyPoints []string
	Tags      []string // see CleanTags
}

// Validate checks the input and trims it in place.
func (in *CardInput) Validate() error {
	in.Front = strings.TrimSpace(in.Front)
	in.Back = strings.TrimSpace(in.Back)
	if in.Front == "" || in.Back == "" && !cardtext.HasCloze(in.Front) { // a cloze note's extra text may be empty
		return Errorf(ErrInvalid, "A card needs a front and a back")
	}
	for _, t := range []string{in.Front, in.Back} {
		if !utf8.ValidString(t) {
			return Errorf(ErrInvalid, "The text is not valid UTF-8")
		}
		if utf8.RuneCountInString(t) > MaxCardTextRunes {
			return Errorf(ErrInvalid, "A card side may hold at most %d characters", MaxCardTextRunes)
		}
	}
	kps, err := cleanKeyPoints(in.KeyPoints)
	if err != nil {
		return err
	}
	in.KeyPoints = kps
	if in.Tags, err = CleanTags(in.Tags); err != nil {
		return err
	}
	if in.Category == "" {
		in.Category = UncategorizedSlug
	}
	return nil
}

func cleanKeyPoints(in []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, kp := range in {
		kp = strings.TrimSpace(kp)
		if kp == "" || seen[strings.ToLower(kp)] {
			continue
		}
		if !utf8.ValidString(kp) || utf8.RuneCountInString(kp) > MaxKeyPointRunes {
			return nil, Errorf(ErrInvalid, "A key point may hold at most %d characters", MaxKeyPointRunes)
		}
		seen[strings.ToLower(kp)] = true
		out = append(out, kp)
	}
	if len(out) > MaxKeyPoints {
		return nil, Errorf(ErrInvalid, "A card may have at most %d key points", MaxKeyPoints)
	}
	return out, nil
}

// ---- categories ----

// ListCategories returns the user's categories, built-in ones first in their order.
func (s *Store) ListCategories(ctx context.Context, userID int64) ([]CategoryInfo, error) {
	return listCategories(ctx, s.reader, userID)
}

// listCategories is ListCategories on q: a read transaction, or the reader pool.
func listCategories(ctx context.Context, q querier, userID int64) ([]CategoryInfo, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, slug, name, description, builtin FROM categories
		WHERE user_id = ?1 AND id NOT IN `+madeByPendingImport("categories", "?1")+` ORDER BY builtin DESC, slug = 'uncategorized', id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cs []CategoryInfo
	for rows.Next() {
		var c CategoryInfo
		if err := rows.Scan(&c.ID, &c.Slug, &c.Name, &c.Description, &c.Builtin); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// CreateCategory adds a category of the user's own; its slug comes from the name.
func (s *Store) CreateCategory(ctx context.Context, userID int64, name, description string) (CategoryInfo, error) {
	name, description = strings.TrimSpace(name), strings.TrimSpace(description)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxNameRunes {
		return CategoryInfo{}, Errorf(ErrInvalid, "A category name needs 1 to %d characters", MaxNameRunes)
	}
	if !utf8.ValidString(description) || utf8.RuneCountInString(description) > 500 {
		return CategoryInfo{}, Errorf(ErrInvalid, "A category description may hold at most 500 characters")
	}
	slug := Slugify(name)
	if !ValidSlug(slug) {
		return CategoryInfo{}, Errorf(ErrInvalid, "The name %q gives no usable short name; use some letters or digits", name)
	}
	c := CategoryInfo{Slug: slug, Name: name, Description: description}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		c.ID, err = insertCategory(ctx, tx, userID, c)
		return err
	})
	return c, err
}

func insertCategory(ctx context.Context, tx *sql.Tx, userID int64, c CategoryInfo) (int64, error) {
	var n, all int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FILTER (WHERE slug = ?), COUNT(*) FROM categories WHERE user_id = ?", c.Slug, userID).Scan(&n, &all); err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, Errorf(ErrConflict, "A category %q exists already", c.Slug)
	}
	if all >= MaxCategories {
		return 0, Errorf(ErrInvalid, "An account may have at most %d categories; %q would be one more", MaxCategories, c.Slug)
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO categories (user_id, slug, name, description) VALUES (?, ?, ?, ?)",
		userID, c.Slug, c.Name, c.Description)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// categoryID finds the user's category by slug.
func categoryID(ctx context.Context, q querier, userID int64, slug string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, "SELECT id FROM categories WHERE user_id = ?1 AND slug = ?2 AND id NOT IN "+madeByPendingImport("categories", "?1"),
		userID, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, Errorf(ErrInvalid, "There is no category %q", slug)
	}
	return id, err
}

// querier is what *sql.DB and *sql.Tx share for reads.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// ---- decks ----

// DefaultDeckName is the deck cards go to when none is named.
const DefaultDeckName = "My cards"

// ListDecks returns the user's decks with their card counts, cards in the
// trash left out. The deck's cards are counted on the deck index alone and
// the few in the trash taken off.
func (s *Store) ListDecks(ctx context.Context, userID int64) ([]Deck, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT d.id, d.name, d.builtin,
		(SELECT COUNT(*) FROM cards c WHERE c.deck_id = d.id AND c.id < `+visibleBelow("?1")+`)
		- (SELECT COUNT(*) FROM cards c WHERE c.user_id = d.user_id AND c.deleted_at IS NOT NULL AND c.deck_id = d.id
			AND c.id < `+visibleBelow("?1")+`)
		FROM decks d WHERE d.user_id = ?1 AND d.id NOT IN `+madeByPendingImport("decks", "?1")+` ORDER BY d.name`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ds []Deck
	for rows.Next() {
		var d Deck
		if err := rows.Scan(&d.ID, &d.Name, &d.Builtin, &d.Cards); err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// CreateDeck adds an empty deck.
func (s *Store) CreateDeck(ctx context.Context, userID int64, name string) (Deck, error) {
	name, err := validDeckName(name)
	if err != nil {
		return Deck{}, err
	}
	d := Deck{Name: name}
	err = s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM decks WHERE user_id = ? AND name = ?", userID, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return Errorf(ErrConflict, "A deck named %q exists already", name)
		}
		var err error
		d.ID, err = s.ensureDeck(ctx, tx, userID, name, "")
		return err
	})
	return d, err
}

// validDeckName trims a deck name and checks it.
func validDeckName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxNameRunes {
		return "", Errorf(ErrInvalid, "A deck name needs 1 to %d characters", MaxNameRunes)
	}
	return name, nil
}

// RenameDeck gives one of the user's decks a new name, which no other deck
// of theirs may have.
func (s *Store) RenameDeck(ctx context.Context, userID, deckID int64, name string) error {
	name, err := validDeckName(name)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var cur string
		err := tx.QueryRowContext(ctx, "SELECT name FROM decks WHERE id = ?1 AND user_id = ?2 AND id NOT IN "+madeByPendingImport("decks", "?2"),
			deckID, userID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("deck: %w", ErrNotFound)
		}
		if err != nil || cur == name {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM decks WHERE user_id = ? AND name = ? AND id <> ?", userID, name, deckID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return Errorf(ErrConflict, "A deck named %q exists already", name)
		}
		_, err = tx.ExecContext(ctx, "UPDATE decks SET name = ? WHERE id = ? AND user_id = ?", name, deckID, userID)
		return err
	})
}

// DeckToStudy is a deck with what its review page has for today: its new
// and due cards within today's limits, which all decks share.
type DeckToStudy struct {
	Deck
	New, Due int
}

// DecksToStudy lists the user's decks with their cards to study today, in
// one pass over their cards' states; an import still being written is not
// there yet.
func (s *Store) DecksToStudy(ctx context.Context, userID int64) ([]DeckToStudy, error) {
	var out []DeckToStudy
	err := s.read(ctx, func(tx *sql.Tx) error {
		ds, err := s.startDay(ctx, tx, userID)
		if err != nil {
			return err
		}
		d := int(ds.today)
		rows, err := tx.QueryContext(ctx, `SELECT d.id, d.name, d.builtin,
			COALESCE(n.cards, 0), COALESCE(n.fresh, 0), COALESCE(n.due, 0)
			FROM decks d LEFT JOIN (SELECT deck_id, COUNT(*) AS cards,
					SUM(`+isNew("")+`) AS fresh,
					SUM(`+dueNow("", "?1")+`) AS due
				FROM card_state WHERE user_id = ?2 AND trashed = 0 AND card_id < `+visibleBelow("?2")+` GROUP BY deck_id) n ON n.deck_id = d.id
			WHERE d.user_id = ?2 AND d.id NOT IN `+madeByPendingImport("decks", "?2")+` ORDER BY d.name`, d, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var x DeckToStudy
			if err := rows.Scan(&x.ID, &x.Name, &x.Builtin, &x.Cards, &x.New, &x.Due); err != nil {
				return err
			}
			x.New, x.Due = min(x.New, ds.newLeft()), min(x.Due, ds.reviewLeft())
			out = append(out, x)
		}
		return rows.Err()
	})
	return out, err
}

// DeleteDeck deletes a deck with its cards and their history. A deck an
// import is still writing into stays until the import ends.
func (s *Store) DeleteDeck(ctx context.Context, userID, deckID int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var writing bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM cards WHERE deck_id = ?1 AND id >= "+visibleBelow("?2")+")",
			deckID, userID).Scan(&writing); err != nil {
			return err
		}
		if writing {
			return errPendingImport
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM decks WHERE id = ? AND user_id = ?", deckID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("deck: %w", ErrNotFound)
		}
		return nil
	})
}

// ensureDeck returns the id of the user's deck of that name, creating it.
func (s *Store) ensureDeck(ctx context.Context, tx *sql.Tx, userID int64, name, builtin string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM decks WHERE user_id = ? AND name = ?", userID, name).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	var all int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM decks WHERE user_id = ?", userID).Scan(&all); err != nil {
		return 0, err
	}
	if all >= MaxDecks {
		return 0, Errorf(ErrInvalid, "An account may have at most %d decks; %q would be one more", MaxDecks, name)
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO decks (user_id, name, builtin, created_at) VALUES (?, ?, ?, ?)",
		userID, name, builtin, formatTime(s.now()))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func deckOwned(ctx context.Context, q querier, userID, deckID int64) error {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM decks WHERE id = ?1 AND user_id = ?2 AND id NOT IN "+madeByPendingImport("decks", "?2"),
		deckID, userID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return Errorf(ErrInvalid, "There is no such deck")
	}
	return nil
}

// ---- cards ----

// CountCards returns how many cards the user has, those in the trash left out.
func (s *Store) CountCards(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM card_state WHERE user_id = ?1 AND trashed = 0 AND card_id < "+visibleBelow("?1"), userID).Scan(&n)
	return n, err
}

// CardFilter narrows a card list. Zero values mean "any".
type CardFilter struct {
	Category string // slug
	DeckID   int64
	Query    string // words looked for in the front, back and key points
	Tag      string // the tag or one under it (data/tags.go)
	// Before keeps only cards with a smaller id: the next page after a
	// card, which inserts and deletes elsewhere in the list do not move.
	Before int64
	Limit  int // 0: no limit
	Offset int
}

const cardColumns = `c.id, c.key, c.deck_id, d.name, cat.id, cat.slug, cat.name, c.front, c.back, c.key_points, c.synonyms,
	c.source, c.suspended, c.created_at, c.updated_at,
	s.repetitions, s.interval, s.ease, s.due, s.last_day, s.lapses,
	c.front_html, c.back_html, c.key_points_html, c.render_version,
	s.stability, s.difficulty, s.memory_day, c.cloze, COALESCE(c.note_id, 0),
	` + tagsColumn

const cardFrom = ` FROM cards c
	JOIN decks d ON d.id = c.deck_id
	JOIN categories cat ON cat.id = c.category_id
	JOIN card_state s ON s.card_id = c.id `

type scanner interface{ Scan(dest ...any) error }

func scanCard(row scanner) (Card, error) {
	var c Card
	var kps, syn, created, updated, kpsHTML, tags string
	var due, last, memDay sql.NullInt64
	var version int
	err := row.Scan(&c.ID, &c.Key, &c.DeckID, &c.Deck, &c.CategoryID, &c.Category, &c.CategoryName, &c.Front, &c.Back, &kps, &syn,
		&c.Source, &c.Suspended, &created, &updated,
		&c.Sched.State.Repetitions, &c.Sched.State.Interval, &c.Sched.State.Ease, &due, &last, &c.Lapses,
		&c.FrontHTML, &c.BackHTML, &kpsHTML, &version,
		&c.Memory.Stability, &c.Memory.Difficulty, &memDay, &c.Cloze, &c.NoteID, &tags)
	if err != nil {
		return Card{}, err
	}
	c.Tags = scanTags(tags)
	if err := json.Unmarshal([]byte(kps), &c.KeyPoints); err != nil {
		return Card{}, fmt.Errorf("card %d key points: %w", c.ID, err)
	}
	if version != cardtext.RenderVersion || json.Unmarshal([]byte(kpsHTML), &c.KeyPointsHTML) != nil || len(c.KeyPointsHTML) != len(c.KeyPoints) {
		// Inserted by a path that does not render (a restore, an Anki
		// import, SQL) or by an older renderer: render it now;
		// RerenderCards stores it at the next start.
		r := cardtext.RenderCardAs(c.Front, c.Back, c.Cloze, c.KeyPoints)
		c.FrontHTML, c.BackHTML, c.KeyPointsHTML = r.FrontHTML, r.BackHTML, r.KeyPointsHTML
	}
	if err := json.Unmarshal([]byte(syn), &c.Synonyms); err != nil {
		return Card{}, fmt.Errorf("card %d synonyms: %w", c.ID, err)
	}
	c.Sched.Graded = due.Valid
	c.Sched.Due = srs.Day(due.Int64)
	c.Sched.LastCounted = srs.Day(last.Int64)
	c.MemoryDay, c.Reviewed = srs.Day(memDay.Int64), memDay.Valid
	c.CreatedAt, _ = parseTime(created)
	c.UpdatedAt, _ = parseTime(updated)
	return c, nil
}

// RecallOn is the predicted chance, 0 to 1, of recalling the card on the
// study day: srs.Recall since its last review. ok is false for a card
// never reviewed, which has no memory to measure.
func (c Card) RecallOn(day srs.Day) (r float64, ok bool) {
	if !c.Reviewed {
		return 0, false
	}
	return srs.Recall(day.Sub(c.MemoryDay), c.Memory.Stability), true
}

// memory is the card's memory state as the next review starts from: the
// zero Memory for a card never reviewed.
func (c Card) memory() srs.Memory {
	if !c.Reviewed {
		return srs.Memory{}
	}
	return c.Memory
}

// likePattern escapes LIKE's wildcards so a search for "50%" means 50%.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}

// MaxSearchWords bounds a search: each word is one more condition on every
// card, and a statement too large for SQLite would fail. Words past it are
// ignored.
const MaxSearchWords = 20

// ListCards returns the user's cards matching the filter, newest first;
// cards in the trash are left out.
func (s *Store) ListCards(ctx context.Context, userID int64, f CardFilter) ([]Card, error) {
	q, args := cardListQuery(userID, f)
	rows, err := s.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cards := []Card{}
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, err
		}
		cards = append(cards, c)
	}
	return cards, rows.Err()
}

// cardListQuery is ListCards' statement. With a Limit, SQLite walks an
// index of the user's cards in id order and stops when the page is full
// (migration 0007), so a page costs its own cards, not the account's.
func cardListQuery(userID int64, f CardFilter) (string, []any) {
	where := []string{"c.user_id = ?", "c.deleted_at IS NULL", "c.id < " + visibleBelow("?")}
	args := []any{userID, userID}
	fterms, fargs := filterTerms(userID, "c.", "c.id", f.Category, f.DeckID, f.Tag)
	where, args = append(where, fterms...), append(args, fargs...)
	if f.Before > 0 {
		where = append(where, "c.id < ?")
		args = append(args, f.Before)
	}
	sterms, sargs := searchTerms(f.Query)
	where, args = append(where, sterms...), append(args, sargs...)
	q := "SELECT " + cardColumns + cardFrom + "WHERE " + strings.Join(where, " AND ") + " ORDER BY c.id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	return q, args
}

// filterTerms keep a list of cards to a category, a deck and a tag, each
// when given. row is the alias of the table whose category_id and deck_id
// are the card's ("c." for cards, "s." for card_state), cardID its card id.
// The card list and the card browser filter through it alike.
func filterTerms(userID int64, row, cardID, category string, deckID int64, tag string) (terms []string, args []any) {
	if category != "" {
		// The category's id, not its slug, so the (user, category) index
		// gives the cards in id order.
		terms = append(terms, row+"category_id = (SELECT id FROM categories WHERE user_id = ? AND slug = ?)")
		args = append(args, userID, category)
	}
	if deckID != 0 {
		terms = append(terms, row+"deck_id = ?")
		args = append(args, deckID)
	}
	if tag != "" {
		term, targs := tagTerm(cardID, userID, tag)
		terms, args = append(terms, term), append(args, targs...)
	}
	return terms, args
}

// searchTerms find a card (the row c of cards) by each word of a search,
// up to MaxSearchWords, in its front, its back or a key point. Key points
// are matched one by one, not as their JSON text, so a search for a quote
// or a bracket does not match every card.
func searchTerms(query string) (terms []string, args []any) {
	words := strings.Fields(query)
	for _, word := range words[:min(len(words), MaxSearchWords)] {
		terms = append(terms, `(c.front LIKE ? ESCAPE '\' OR c.back LIKE ? ESCAPE '\'
			OR EXISTS (SELECT 1 FROM json_each(c.key_points) kp WHERE kp.value LIKE ? ESCAPE '\'))`)
		p := likePattern(word)
		args = append(args, p, p, p)
	}
	return terms, args
}

// GetCard returns one of the user's cards; another user's card, or one in
// the trash, is ErrNotFound.
func (s *Store) GetCard(ctx context.Context, userID, cardID int64) (Card, error) {
	return getCard(ctx, readerStmts{s}, userID, cardID)
}

func getCard(ctx context.Context, q querier, userID, cardID int64) (Card, error) {
	c, err := scanCard(q.QueryRowContext(ctx, qCard, cardID, userID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return Card{}, fmt.Errorf("card %d: %w", cardID, ErrNotFound)
	}
	return c, err
}

// CreateCard adds a card typed by the user, as new.
func (s *Store) CreateCard(ctx context.Context, userID int64, in CardInput) (Card, error) {
	if err := in.Validate(); err != nil {
		return Card{}, err
	}
	nums, err := clozeNumbersOf(in.Front)
	if err != nil {
		return Card{}, err
	}
	var id int64
	r := cardtext.RenderCard(in.Front, in.Back, in.KeyPoints) // before taking the writer
	cloze := renderClozeNote(in.Front, in.Back, nums)
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := noPendingImport(ctx, tx, userID); err != nil {
			return err
		}
		catID, err := categoryID(ctx, tx, userID, in.Category)
		if err != nil {
			return err
		}
		deckID := in.DeckID
		if deckID == 0 {
			if deckID, err = s.ensureDeck(ctx, tx, userID, DefaultDeckName, ""); err != nil {
				return err
			}
		} else if err := deckOwned(ctx, tx, userID, deckID); err != nil {
			return err
		}
		if len(nums) > 0 {
			id, err = s.createClozeNote(ctx, tx, userID, deckID, catID, in, cloze)
			return err
		}
		ins, err := newCardInserter(ctx, tx, userID, s.now())
		if err != nil {
			return err
		}
		defer ins.close()
		id, err = ins.insert(ctx, deckID, catID, "user:"+newKeySuffix(), in.Front, in.Back, in.KeyPoints, nil, "typed in", &r)
		if err != nil {
			return err
		}
		tw := newTagWriter(tx, userID)
		defer tw.close()
		return tw.add(ctx, id, in.Tags)
	})
	if err != nil {
		return Card{}, err
	}
	return s.GetCard(ctx, userID, id)
}

// UpdateCard changes a card's text, category, deck and key points; its
// scheduling state and history stay as they are. EditCard says what
// changed.
func (s *Store) UpdateCard(ctx context.Context, userID, cardID int64, in CardInput) error {
	_, err := s.EditCard(ctx, userID, cardID, in)
	return err
}

// EditCard is UpdateCard. Editing a card of a cloze note edits the note,
// all its cards in one transaction (data/cloze.go); the CardEdit says
// how many were updated, added and moved to the trash.
func (s *Store) EditCard(ctx context.Context, userID, cardID int64, in CardInput) (CardEdit, error) {
	if err := in.Validate(); err != nil {
		return CardEdit{}, err
	}
	nums, err := clozeNumbersOf(in.Front)
	if err != nil {
		return CardEdit{}, err
	}
	kps, _ := json.Marshal(in.KeyPoints)
	r := cardtext.RenderCard(in.Front, in.Back, in.KeyPoints)
	cloze := renderClozeNote(in.Front, in.Back, nums)
	edit := CardEdit{Updated: 1, CardID: cardID}
	err = s.write(ctx, func(tx *sql.Tx) error {
		cur, err := getCard(ctx, tx, userID, cardID)
		if err != nil {
			return err
		}
		catID, err := categoryID(ctx, tx, userID, in.Category)
		if err != nil {
			return err
		}
		deckID := in.DeckID
		if deckID == 0 {
			deckID = cur.DeckID
		} else if err := deckOwned(ctx, tx, userID, deckID); err != nil {
			return err
		}
		if len(nums) > 0 {
			edit, err = s.editClozeNote(ctx, tx, userID, cur, catID, deckID, in, cloze)
			return err
		}
		if cur.Cloze > 0 {
			return Errorf(ErrInvalid, "This card is one of a cloze note: its text needs at least one deletion, like {{c1::Paris}}")
		}
		_, err = tx.ExecContext(ctx, `UPDATE cards SET front = ?, back = ?, category_id = ?, deck_id = ?, key_points = ?,
			front_html = ?, back_html = ?, key_points_html = ?, render_version = ?,
			edited = 1, updated_at = ? WHERE id = ? AND user_id = ?`,
			in.Front, in.Back, catID, deckID, string(kps),
			r.FrontHTML, r.BackHTML, keyPointsHTMLJSON(r), cardtext.RenderVersion,
			formatTime(s.now()), cardID, userID)
		if err != nil {
			return err
		}
		tw := newTagWriter(tx, userID)
		defer tw.close()
		return tw.set(ctx, cardID, in.Tags)
	})
	return edit, err
}

// SetSuspended suspends a card (it leaves every queue and all mastery
// numbers) or brings it back.
func (s *Store) SetSuspended(ctx context.Context, userID, cardID int64, suspended bool) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE cards SET suspended = ?1, updated_at = ?2 WHERE id = ?3 AND user_id = ?4 AND deleted_at IS NULL AND id < "+visibleBelow("?4"),
			suspended, formatTime(s.now()), cardID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("card %d: %w", cardID, ErrNotFound)
		}
		return nil
	})
}

// DeleteCard deletes a card for good, with its state and review history,
// in the trash or not. The web pages move cards to the trash (TrashCards).
func (s *Store) DeleteCard(ctx context.Context, userID, cardID int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM cards WHERE id = ?1 AND user_id = ?2 AND id < "+visibleBelow("?2"), cardID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("card %d: %w", cardID, ErrNotFound)
		}
		return nil
	})
}

// cardInserter inserts many cards in one transaction with prepared statements.
type cardInserter struct {
	card   *sql.Stmt
	userID int64
	now    string
}

func newCardInserter(ctx context.Context, tx *sql.Tx, userID int64, now time.Time) (*cardInserter, error) {
	card, err := tx.PrepareContext(ctx, `INSERT INTO cards (user_id, deck_id, category_id, key, front, back, key_points,
		synonyms, source, edited, created_at, updated_at, front_html, back_html, key_points_html, render_version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	return &cardInserter{card: card, userID: userID, now: formatTime(now)}, nil
}

// insert adds a card. r is its HTML, rendered before the transaction; nil
// stores none, for bulk imports that render afterwards (rerenderUser), so
// the single writer never waits on the renderer.
func (ci *cardInserter) insert(ctx context.Context, deckID, catID int64, key, front, back string, kps []string, syn map[string][]string, source string, r *cardtext.RenderedCard) (int64, error) {
	if kps == nil {
		kps = []string{}
	}
	if syn == nil {
		syn = map[string][]string{}
	}
	kpJSON, _ := json.Marshal(kps)
	synJSON, _ := json.Marshal(syn)
	frontHTML, backHTML, kpsHTML, version := "", "", "[]", 0
	if r != nil {
		frontHTML, backHTML, kpsHTML, version = r.FrontHTML, r.BackHTML, keyPointsHTMLJSON(*r), cardtext.RenderVersion
	}
	res, err := ci.card.ExecContext(ctx, ci.userID, deckID, catID, key, front, back, string(kpJSON), string(synJSON), source, false, ci.now, ci.now,
		frontHTML, backHTML, kpsHTML, version)
	if err != nil {
		if ctx.Err() != nil {
			// Cancelled meanwhile: database/sql may have closed the
			// statement with the transaction; say why it ended.
			return 0, ctx.Err()
		}
		return 0, err
	}
	// A trigger adds the card's card_state row.
	return res.LastInsertId()
}

func (ci *cardInserter) close() { ci.card.Close() }
