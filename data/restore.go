package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/flashcards/flashcards/data/exportdoc"
	"github.com/flashcards/flashcards/srs"
)

// Bounds on an export a restore reads: the document's (data/exportdoc).
const (
	MaxExportBytes      = exportdoc.MaxBytes
	MaxExportCards      = MaxImportCards
	MaxExportReviews    = exportdoc.MaxReviews
	MaxExportCategories = exportdoc.MaxCategories
	MaxExportDecks      = exportdoc.MaxDecks
	MaxExportMedia      = exportdoc.MaxMedia // images (media_export.go)
)

// Export is a JSON export, read and checked, ready to restore.
type Export struct {
	Version    int
	ExportedAt time.Time
	User       string // the account it came from
	Settings   Settings
	// Interview is the interview the export carries; nil for an export
	// made before exports carried it, whose restore leaves the account's.
	Interview *InterviewSettings

	categories []exportdoc.Category
	decks      []exportdoc.Deck
	cards      []exportdoc.Card
	reviews    []exportdoc.Review
	media      []exportdoc.Media // images (media_export.go)
}

// RestoreResult says what a restore added.
type RestoreResult struct {
	Cards         int
	Reviews       int
	NewCategories []string // slugs
	NewDecks      []string // names
	Images        int      // images the export carried, now the user's
}

// RestoreExport reads a JSON export from r and adds it to the user's
// account in one transaction; see ReadExport and Restore.
func (s *Store) RestoreExport(ctx context.Context, userID int64, r io.Reader) (RestoreResult, error) {
	exp, err := ReadExport(r)
	if err != nil {
		return RestoreResult{}, err
	}
	return s.Restore(ctx, userID, exp)
}

// exportError is a problem with the file, for the person who gave it.
func exportError(format string, args ...any) error {
	return Errorf(ErrInvalid, format, args...)
}

// ReadExport decodes and checks a whole JSON export without touching the
// database (data/exportdoc reads it). It reads at most MaxExportBytes and
// refuses, wrapped in ErrInvalid, a file that is not an export, one of a
// newer version, one cut short, and any value out of bounds; ErrTooLarge
// for a file over the limit. Read errors of r are returned wrapped, so a
// caller can tell an http.MaxBytesError apart.
func ReadExport(r io.Reader) (*Export, error) {
	doc, err := exportdoc.Read(r, exportdoc.Options{
		MaxCards:      importCardLimit,
		CheckSettings: func(st exportdoc.Settings) error { return settingsOf(st).Validate() },
	})
	if err != nil {
		return nil, DocumentError(err)
	}
	exp := &Export{Version: doc.Version, ExportedAt: doc.ExportedAt, User: doc.User,
		Settings: settingsOf(doc.Settings), Interview: interviewOf(doc.Settings),
		categories: doc.Categories, decks: doc.Decks, cards: doc.Cards, reviews: doc.Reviews, media: doc.Media}
	return exp, nil
}

// settingsOf are a document's review settings.
func settingsOf(e exportdoc.Settings) Settings {
	return Settings{Timezone: e.Timezone, RolloverHour: e.RolloverHour, NewPerDay: e.NewPerDay,
		ReviewsPerDay: e.ReviewsPerDay, TypeAnswers: e.TypeAnswers}
}

// interviewOf is a document's interview, nil when it says nothing of one;
// a field it lacks is a new account's.
func interviewOf(e exportdoc.Settings) *InterviewSettings {
	if !e.HasInterview() {
		return nil
	}
	iv := DefaultInterviewSettings()
	if e.InterviewDate != nil {
		iv.Date, iv.HasDate = *e.InterviewDate, true
	}
	if e.InterviewScope != nil {
		iv.Scope = *e.InterviewScope
	}
	if e.FinalDays != nil {
		iv.FinalDays = *e.FinalDays
	}
	if e.NewCardsOnTime != nil {
		iv.NewOnTime = *e.NewCardsOnTime
	}
	return &iv
}

// ---- writing ----

// restoreReplaceAtCommit bounds the untouched cards a restore replaces in
// its last, short transaction (the built-in deck a new account has is 37):
// the export's copies of them are written there too, so a restore that
// fails leaves them. More are deleted in the first transaction instead,
// where a restore that then fails cannot bring them back.
const restoreReplaceAtCommit = 2_000

// Restore adds an export's cards, with their states and whole review log,
// its categories and decks, and its settings to the user's account, all or
// nothing, in chunks (see runImport). Card ids are new; reviews follow
// their cards. Categories the account lacks are created as the user's own;
// decks are matched by name and created when missing. Cards whose key the
// account already has are not merged: the restore is refused with
// ErrConflict and nothing changes.
func (s *Store) Restore(ctx context.Context, userID int64, exp *Export) (RestoreResult, error) {
	if len(exp.cards) > importCardLimit {
		return RestoreResult{}, tooManyCards(len(exp.cards))
	}
	media, err := s.restoreMediaDrafts(exp)
	if err != nil {
		return RestoreResult{}, err
	}
	job := &restoreJob{s: s, userID: userID, exp: exp, media: media}
	if err := s.runImport(ctx, userID, job); err != nil {
		return RestoreResult{}, err
	}
	s.rerenderUser(ctx, userID)
	return job.res, nil
}

// restoreJob is Restore's work, in chunks.
type restoreJob struct {
	s      *Store
	userID int64
	exp    *Export
	keys   priorKeys
	media  []mediaDraft // the export's images, checked

	// Set by begin: the first chunk may run twice.
	res        RestoreResult
	cats       map[string]int64
	decks      map[string]int64
	replace    []int64         // the account's untouched cards the export brings, deleted at commit
	atCommit   map[string]bool // keys of the export's cards written at commit, in their place
	ids        map[int64]restoredCard
	memory     map[int64]*memoryFold // by the new card id: the memory state of its reviews written
	notes      map[int64]int64       // a cloze note of the export -> its note_id here
	nextCard   int
	nextReview int
}

func (j *restoreJob) prepare(ctx context.Context) error {
	if j.keys.keys == nil {
		if err := j.keys.read(ctx, j.s, j.userID); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (j *restoreJob) begin(ctx context.Context, tx *sql.Tx, p *pendingImport) error {
	j.res, j.replace, j.atCommit = RestoreResult{}, nil, map[string]bool{}
	j.ids = make(map[int64]restoredCard, len(j.exp.cards))
	j.memory, j.notes = map[int64]*memoryFold{}, map[int64]int64{}
	j.nextCard, j.nextReview = 0, 0
	userID := j.userID
	if _, err := j.s.userByIDTx(ctx, tx, userID); err != nil {
		return err
	}
	untouched, err := restoreConflicts(ctx, tx, userID, j.exp, &j.keys)
	if err != nil {
		return err
	}
	// Past the user's image quota nothing is restored; images of a
	// restore that fails later are left to SweepMedia.
	if _, err := j.s.storeMediaTx(ctx, tx, userID, j.media); err != nil {
		return err
	}
	j.res.Images = len(j.media)
	if len(untouched) > restoreReplaceAtCommit {
		for _, c := range untouched {
			if _, err := tx.ExecContext(ctx, "DELETE FROM cards WHERE id = ? AND user_id = ?", c.id, userID); err != nil {
				return err
			}
		}
	} else {
		for _, c := range untouched {
			j.replace = append(j.replace, c.id)
			j.atCommit[c.key] = true
		}
	}
	if j.cats, err = categoryIDs(ctx, tx, userID); err != nil {
		return err
	}
	for _, c := range j.exp.categories {
		if _, ok := j.cats[c.Slug]; ok {
			continue // the account's own name and description stay
		}
		if j.cats[c.Slug], err = insertCategory(ctx, tx, userID, CategoryInfo{Slug: c.Slug, Name: c.Name, Description: c.Description}); err != nil {
			return err
		}
		if err := p.createdCategory(ctx, tx, j.cats[c.Slug]); err != nil {
			return err
		}
		j.res.NewCategories = append(j.res.NewCategories, c.Slug)
	}
	j.decks = map[string]int64{}
	for _, d := range j.exp.decks {
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM decks WHERE user_id = ? AND name = ?", userID, d.Name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			if id, err = j.s.importDeck(ctx, tx, p, userID, d.Name, d.Builtin); err == nil {
				j.res.NewDecks = append(j.res.NewDecks, d.Name)
			}
		}
		if err != nil {
			return err
		}
		j.decks[d.Name] = id
	}
	return nil
}

func (j *restoreJob) step(ctx context.Context, tx *sql.Tx, p *pendingImport, clock *chunkClock) (bool, error) {
	w, err := newRestoreWriter(ctx, tx, j)
	if err != nil {
		return false, err
	}
	defer w.close()
	done, err := j.write(ctx, w, p, clock)
	if err != nil {
		return false, err
	}
	return done, w.flush(ctx, tx)
}

// write is step's work with the transaction's statements.
func (j *restoreJob) write(ctx context.Context, w *restoreWriter, p *pendingImport, clock *chunkClock) (bool, error) {
	wrote := 0 // at least one row a chunk, however short
	for ; j.nextCard < len(j.exp.cards); j.nextCard++ {
		c := &j.exp.cards[j.nextCard]
		if j.atCommit[c.Key] {
			continue
		}
		if wrote > 0 && clock.over() {
			return false, nil
		}
		wrote++
		id, err := w.card(ctx, c)
		if err != nil {
			return false, err
		}
		if err := p.inserted(id); err != nil {
			return false, err
		}
	}
	for ; j.nextReview < len(j.exp.reviews); j.nextReview++ {
		r := &j.exp.reviews[j.nextReview]
		if _, ok := j.ids[r.CardID]; !ok {
			continue // a review of a card written at commit
		}
		if wrote > 0 && clock.over() {
			return false, nil
		}
		wrote++
		if err := w.review(ctx, r); err != nil {
			return false, err
		}
	}
	return true, nil
}

// finish replaces the untouched cards the export brings with its copies,
// and takes the export's settings, with the commit.
func (j *restoreJob) finish(ctx context.Context, tx *sql.Tx) error {
	for _, id := range j.replace {
		if _, err := tx.ExecContext(ctx, "DELETE FROM cards WHERE id = ? AND user_id = ?", id, j.userID); err != nil {
			return err
		}
	}
	if len(j.atCommit) > 0 {
		w, err := newRestoreWriter(ctx, tx, j)
		if err != nil {
			return err
		}
		defer w.close()
		later := map[int64]bool{}
		for i := range j.exp.cards {
			if c := &j.exp.cards[i]; j.atCommit[c.Key] {
				if _, err := w.card(ctx, c); err != nil {
					return err
				}
				later[c.ID] = true
			}
		}
		for i := range j.exp.reviews {
			if r := &j.exp.reviews[i]; later[r.CardID] {
				if err := w.review(ctx, r); err != nil {
					return err
				}
			}
		}
		if err := w.flush(ctx, tx); err != nil {
			return err
		}
	}
	st := j.exp.Settings
	_, err := tx.ExecContext(ctx, `UPDATE settings SET timezone = ?, rollover_hour = ?, new_per_day = ?,
		reviews_per_day = ?, type_answers = ? WHERE user_id = ?`,
		st.Timezone, st.RolloverHour, st.NewPerDay, st.ReviewsPerDay, st.TypeAnswers, j.userID)
	if err != nil {
		return err
	}
	return j.restoreInterview(ctx, tx)
}

// restoreInterview takes the export's interview, when it has one: its
// date as it was (a date that has passed stays, as it may in the
// settings), its scope by category slug.
func (j *restoreJob) restoreInterview(ctx context.Context, tx *sql.Tx) error {
	iv := j.exp.Interview
	if iv == nil {
		return nil
	}
	scope := make([]int64, len(iv.Scope))
	for i, slug := range iv.Scope {
		scope[i] = j.cats[slug]
	}
	return writeInterview(ctx, tx, j.userID, *iv, scope)
}

// untouchedCard is a card of the account nobody graded or edited.
type untouchedCard struct {
	id  int64
	key string
}

// restoreConflicts refuses an export holding cards the account has made
// progress on: the same key means the same card, and two histories of one
// card cannot be merged without losing one. Clashing cards the account never
// touched (no grade, no edit), such as the built-in deck a new account gets
// at sign-up, have nothing to lose: they are returned, for the export's
// copies to take their place. prior, the account's keys read before the
// transaction, spares it reading every card of the account: it looks at
// the cards whose key was among them and the export's, and at those stored
// since.
func restoreConflicts(ctx context.Context, tx *sql.Tx, userID int64, exp *Export, prior *priorKeys) ([]untouchedCard, error) {
	incoming := make(map[string]bool, len(exp.cards))
	for _, c := range exp.cards {
		incoming[c.Key] = true
	}
	const columns = `SELECT c.id, c.key, d.name,
		c.edited = 1 OR s.due IS NOT NULL OR EXISTS (SELECT 1 FROM reviews r WHERE r.card_id = c.id)
		FROM cards c JOIN decks d ON d.id = c.deck_id JOIN card_state s ON s.card_id = c.id `
	query, args := columns+"WHERE c.user_id = ?1", []any{userID}
	if prior.keys != nil && !prior.used {
		prior.used = true
		var both []string
		for k := range prior.keys {
			if incoming[k] {
				both = append(both, k)
			}
		}
		list, _ := json.Marshal(both)
		query = columns + "WHERE c.user_id = ?1 AND c.key IN (SELECT value FROM json_each(?2)) UNION " +
			columns + "WHERE c.id > ?3 AND +c.user_id = ?1"
		args = append(args, string(list), prior.upTo)
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	clashes := 0
	var untouched []untouchedCard
	inDeck := map[string]bool{}
	for rows.Next() {
		var id int64
		var key, deck string
		var touched bool
		if err := rows.Scan(&id, &key, &deck, &touched); err != nil {
			return nil, err
		}
		switch {
		case !incoming[key]:
		case touched:
			clashes++
			inDeck[deck] = true
		default:
			untouched = append(untouched, untouchedCard{id, key})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if clashes == 0 {
		return untouched, nil
	}
	var names []string
	for d := range inDeck {
		names = append(names, fmt.Sprintf("%q", d))
	}
	sort.Strings(names)
	cards := "cards"
	if clashes == 1 {
		cards = "card"
	}
	return nil, Errorf(ErrConflict, "The account already has progress on %d %s of this export (in %s); nothing was restored. "+
		"Restore into an account without them, or delete those cards or decks first",
		clashes, cards, strings.Join(names, ", "))
}

// restoreWriter holds one transaction's prepared statements of a restore.
type restoreWriter struct {
	j                       *restoreJob
	insCard, setState, insR *sql.Stmt
	tags                    *tagWriter
	setCloze                *sql.Stmt // data/cloze_restore.go
	// folded is the cards whose memory state this transaction moved, which
	// flush writes to card_state before it commits.
	folded map[int64]*memoryFold
}

func newRestoreWriter(ctx context.Context, tx *sql.Tx, j *restoreJob) (*restoreWriter, error) {
	w := &restoreWriter{j: j, folded: map[int64]*memoryFold{}, tags: newTagWriter(tx, j.userID)}
	var err error
	if w.insCard, err = tx.PrepareContext(ctx, `INSERT INTO cards (user_id, deck_id, category_id, key, front, back, key_points,
		synonyms, source, suspended, edited, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`); err != nil {
		return nil, err
	}
	// The card_state row comes from the insert trigger; the state is set after.
	if w.setState, err = tx.PrepareContext(ctx, qUpdateState); err != nil {
		w.close()
		return nil, err
	}
	if w.insR, err = tx.PrepareContext(ctx, qInsertReview); err != nil {
		w.close()
		return nil, err
	}
	if w.setCloze, err = tx.PrepareContext(ctx, qSetCloze); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

// flush writes the memory state of the cards whose reviews this
// transaction wrote, so that each commit leaves every card's state the
// replay of its log so far.
func (w *restoreWriter) flush(ctx context.Context, tx *sql.Tx) error {
	err := storeMemory(ctx, tx, w.folded)
	clear(w.folded)
	return err
}

func (w *restoreWriter) close() {
	w.tags.close()
	for _, st := range []*sql.Stmt{w.insCard, w.setState, w.insR, w.setCloze} {
		if st != nil {
			st.Close()
		}
	}
}

// card writes one exported card with its state and returns its new id.
func (w *restoreWriter) card(ctx context.Context, c *exportdoc.Card) (int64, error) {
	j := w.j
	kps := c.KeyPoints
	if kps == nil {
		kps = []string{}
	}
	syn := c.Synonyms
	if syn == nil {
		syn = map[string][]string{}
	}
	kpJSON, _ := json.Marshal(kps)
	synJSON, _ := json.Marshal(syn)
	created, _ := time.Parse(time.RFC3339Nano, c.CreatedAt)
	updated, _ := time.Parse(time.RFC3339Nano, c.UpdatedAt)
	catID := j.cats[c.Category]
	r, err := w.insCard.ExecContext(ctx, j.userID, j.decks[c.Deck], catID, c.Key, c.Front, c.Back, string(kpJSON), string(synJSON),
		c.Source, c.Suspended, c.Edited, formatTime(created), formatTime(updated))
	if err != nil {
		return 0, fmt.Errorf("restore card %d: %w", c.ID, err)
	}
	id, err := r.LastInsertId()
	if err != nil {
		return 0, err
	}
	if err := w.cloze(ctx, c, id); err != nil {
		return 0, err
	}
	st := c.State
	if _, err := w.setState.ExecContext(ctx, stateArgs(id, st.SRS(st.LastDay), st.Lapses, dayPtrOrNull(st.LastDay))...); err != nil {
		return 0, err
	}
	tags, _ := CleanTags(c.Tags) // checked with the file
	if err := w.tags.add(ctx, id, tags); err != nil {
		return 0, err
	}
	j.ids[c.ID] = restoredCard{id: id, categoryID: catID}
	j.res.Cards++
	return id, nil
}

// restoredCard is where an exported card landed.
type restoredCard struct{ id, categoryID int64 }

// review writes one exported review of a card written before.
func (w *restoreWriter) review(ctx context.Context, r *exportdoc.Review) error {
	j := w.j
	card := j.ids[r.CardID]
	at, _ := time.Parse(time.RFC3339Nano, r.Time)
	covered := ""
	if r.Covered != nil {
		cov := coverageJSON{Covered: r.Covered.Covered, Missed: r.Covered.Missed}
		if cov.Covered == nil {
			cov.Covered = []string{}
		}
		if cov.Missed == nil {
			cov.Missed = []string{}
		}
		b, _ := json.Marshal(cov)
		covered = string(b)
	}
	// The card's memory state, folded from its reviews in the order they
	// are inserted (the log's order), chunk after chunk.
	fold := j.memory[card.id]
	if fold == nil {
		fold = &memoryFold{}
		j.memory[card.id] = fold
	}
	mb, mbDay := fold.add(r.StudyDay, srs.Grade(r.Grade))
	w.folded[card.id] = fold
	b, a := r.Before, r.After
	if _, err := w.insR.ExecContext(ctx, logEntry{
		UserID: j.userID, CardID: card.id, CategoryID: card.categoryID, At: at, Day: r.StudyDay, Grade: srs.Grade(r.Grade),
		Counted: r.Counted, AnswerMS: r.AnswerMS, Before: b.SRS(b.LastDay), After: a.SRS(nil), BeforeLapses: b.Lapses, AfterLapses: a.Lapses,
		BeforeLastDay: dayPtrOrNull(b.LastDay), TypedAnswer: r.TypedAnswer, Covered: covered, MemBefore: mb, MemBeforeDay: mbDay, Kind: r.Kind,
	}.args()...); err != nil {
		return fmt.Errorf("restore a review of card %d: %w", r.CardID, err)
	}
	j.res.Reviews++
	return nil
}
