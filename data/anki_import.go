package data

import (
	"context"
	"database/sql"
	"io"
	"sort"
	"strings"

	"github.com/flashcards/flashcards/data/anki"
)

// AnkiImportResult says what an Anki package import did. Found counts the
// package's Anki cards, Added the cards stored, Skipped those the user
// already had (a package imported twice adds nothing), and Deck is the deck
// most of the cards went to.
type AnkiImportResult struct {
	ImportResult
	Decks   []string // the decks the added cards went to
	Reviews int      // review-log entries added to the history
	Empty   int      // cards left out: a side had no text once HTML and media were dropped
	Media   int      // media references (sounds, files that are no image) dropped from the notes read
	Images  int      // images the cards show, kept as the user's media (docs/anki.md)
	Unknown int      // cards left out: their note or note type is not in the package
}

// ImportApkg imports an Anki package (.apkg) read from pkg: its cards with
// their scheduling and review history, in one transaction, all or nothing.
// Anki decks become decks; a note's tag naming one of the user's
// categories files its cards there, else fallbackCategory ("" for
// uncategorized). A package that is not one, or is damaged, hostile or too
// large, is an error wrapping ErrInvalid and stores nothing.
func (s *Store) ImportApkg(ctx context.Context, userID int64, name string, pkg io.ReaderAt, size int64, fallbackCategory string, progress func(done, total int)) (AnkiImportResult, error) {
	res := AnkiImportResult{}
	if fallbackCategory != "" && !ValidSlug(fallbackCategory) {
		return res, Errorf(ErrInvalid, "%q is not a category slug", fallbackCategory)
	}
	col, err := s.readApkg(ctx, pkg, size)
	if err != nil {
		return res, err
	}
	media := col.media
	drafts, stats, err := anki.Drafts(col.Collection, DeckNameFor(name), media, ankiLimits)
	if err != nil {
		return res, ankiRefusal(err)
	}
	res.Found, res.Empty, res.Unknown, res.Media = len(col.Cards), stats.Empty, stats.Unknown, stats.Media
	if len(drafts) == 0 {
		return res, ankiError("The package holds no card with text on both sides")
	}
	res.Images = len(media.used)
	job := &ankiJob{s: s, userID: userID, col: col, drafts: drafts, fallbackCategory: fallbackCategory, src: sourceName(name),
		progress: progress, base: res, media: media.sortedUsed()}
	if err := s.runImport(ctx, userID, job); err != nil {
		return AnkiImportResult{ImportResult: ImportResult{Found: len(col.Cards)}}, err
	}
	if progress != nil {
		progress(len(drafts), len(drafts))
	}
	res = job.res
	for name := range job.perDeck {
		res.Decks = append(res.Decks, name)
	}
	sort.Strings(res.Decks)
	for _, name := range res.Decks {
		if res.Deck == "" || job.perDeck[name] > job.perDeck[res.Deck] {
			res.Deck = name
		}
	}
	if res.Deck == "" && len(drafts) > 0 {
		res.Deck = drafts[0].Deck
	}
	s.rerenderUser(ctx, userID)
	return res, nil
}

// ankiCategories finds a category from Anki tags: a tag (or its last
// "::" level) naming one of the user's categories by slug or name.
type ankiCategories map[string]int64

func (ac ankiCategories) match(tags []string) (int64, bool) {
	for _, t := range tags {
		cands := []string{Slugify(t)}
		if i := strings.LastIndex(t, "::"); i >= 0 {
			cands = append(cands, Slugify(t[i+2:]))
		}
		for _, c := range cands {
			if id, ok := ac[c]; ok && c != "" {
				return id, true
			}
		}
	}
	return 0, false
}

// ankiJob is ImportApkg's writing, in chunks.
type ankiJob struct {
	s                     *Store
	userID                int64
	col                   *ankiCollection
	drafts                []anki.Draft
	fallbackCategory, src string
	progress              func(done, total int)
	base                  AnkiImportResult // what reading the package found
	media                 []mediaDraft     // the images the cards show

	// Set by begin: the first chunk may run twice.
	res        AnkiImportResult
	cal        anki.Calendar // the user's zone and rollover, now, today and the collection's first day
	cats       ankiCategories
	fallbackID int64
	existing   map[string]bool
	keys       priorKeys
	deckIDs    map[string]int64
	perDeck    map[string]int
	next       int
	notes      noteGroups // the cloze notes' cards
}

func (j *ankiJob) prepare(ctx context.Context) error {
	if j.keys.keys == nil {
		if err := j.keys.read(ctx, j.s, j.userID); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (j *ankiJob) begin(ctx context.Context, tx *sql.Tx, p *pendingImport) error {
	j.res, j.next = j.base, 0
	j.deckIDs, j.perDeck = map[string]int64{}, map[string]int{}
	j.notes = newNoteGroups()
	for _, d := range j.drafts {
		if d.Cloze > 0 {
			j.notes.add(d.Note, d.Key)
		}
	}
	userID := j.userID
	if _, err := j.s.userByIDTx(ctx, tx, userID); err != nil {
		return err
	}
	// The images first: past the user's quota, nothing is stored. Should
	// the import stop later, they are left to SweepMedia.
	if _, err := j.s.storeMediaTx(ctx, tx, userID, j.media); err != nil {
		return err
	}
	st, err := userSettings(ctx, tx, userID)
	if err != nil {
		return err
	}
	j.cal = j.col.Calendar(st.Location(), st.RolloverHour, j.s.now())

	j.cats = ankiCategories{}
	rows, err := tx.QueryContext(ctx, "SELECT id, slug, name FROM categories WHERE user_id = ?", userID)
	if err != nil {
		return err
	}
	names := map[string]int64{}
	for rows.Next() {
		var id int64
		var slug, name string
		if err := rows.Scan(&id, &slug, &name); err != nil {
			rows.Close()
			return err
		}
		j.cats[slug] = id
		names[Slugify(name)] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for k, id := range names {
		if _, ok := j.cats[k]; !ok {
			j.cats[k] = id
		}
	}
	fallback := j.fallbackCategory
	if fallback == "" {
		fallback = UncategorizedSlug
	}
	if id, err := categoryID(ctx, tx, userID, fallback); err == nil {
		j.fallbackID = id
	} else if fallback == UncategorizedSlug {
		if j.fallbackID, err = insertCategory(ctx, tx, userID, CategoryInfo{Slug: UncategorizedSlug, Name: "Uncategorized"}); err != nil {
			return err
		}
		if err := p.createdCategory(ctx, tx, j.fallbackID); err != nil {
			return err
		}
		j.res.NewCategories = append(j.res.NewCategories, UncategorizedSlug)
	} else {
		return err
	}
	j.existing, err = j.keys.inTx(ctx, tx, userID)
	return err
}

func (j *ankiJob) step(ctx context.Context, tx *sql.Tx, p *pendingImport, clock *chunkClock) (bool, error) {
	userID := j.userID
	cards, err := newImportCards(ctx, tx, p, userID, j.cal.Now, j.notes)
	if err != nil {
		return false, err
	}
	defer cards.close()
	stateStmt, err := tx.PrepareContext(ctx, qUpdateState)
	if err != nil {
		return false, err
	}
	defer stateStmt.Close()
	suspendStmt, err := tx.PrepareContext(ctx, "UPDATE cards SET suspended = 1 WHERE id = ?")
	if err != nil {
		return false, err
	}
	defer suspendStmt.Close()
	reviewStmt, err := tx.PrepareContext(ctx, qInsertReview)
	if err != nil {
		return false, err
	}
	defer reviewStmt.Close()
	memoryStmt, err := tx.PrepareContext(ctx, qUpdateMemory)
	if err != nil {
		return false, err
	}
	defer memoryStmt.Close()

	for wrote := 0; j.next < len(j.drafts); j.next++ {
		i, d := j.next, j.drafts[j.next]
		if j.progress != nil && i%1000 == 0 {
			j.progress(i, len(j.drafts))
		}
		if j.existing[d.Key] {
			j.res.Skipped++
			continue
		}
		if wrote > 0 && clock.over() {
			return false, nil
		}
		wrote++
		deckID, ok := j.deckIDs[d.Deck]
		if !ok {
			if deckID, err = j.s.importDeck(ctx, tx, p, userID, d.Deck, ""); err != nil {
				return false, err
			}
			j.deckIDs[d.Deck] = deckID
		}
		catID, ok := j.cats.match(d.Tags)
		if !ok {
			catID = j.fallbackID
		}
		var kps []string
		if d.Cloze > 0 {
			kps = clozeKeyPoints(d.Front, d.Cloze)
		}
		id, err := cards.add(ctx, importedCard{deckID: deckID, catID: catID, key: d.Key, front: d.Front, back: d.Back,
			keyPoints: kps, source: j.src, tags: AnkiTags(d.Tags), // the note's tags, "::" as "/"
			note: d.Note, cloze: d.Cloze})
		if err != nil {
			return false, err
		}
		j.existing[d.Key] = true
		j.res.Added++
		j.perDeck[d.Deck]++

		state, history := anki.Schedule(d.Card, j.col.Reviews[d.Card.ID], j.cal)
		if state.Suspended {
			if _, err := suspendStmt.ExecContext(ctx, id); err != nil {
				return false, err
			}
		}
		if state.Graded {
			if _, err := stateStmt.ExecContext(ctx, stateArgs(id, state.Sched(), state.Lapses, dayOrNull(state.HasLastDay, state.LastDay))...); err != nil {
				return false, err
			}
		}
		var memory memoryFold
		for _, h := range history {
			b, a := h.Before, h.After
			mb, mbDay := memory.add(h.Day, h.Grade)
			_, err := reviewStmt.ExecContext(ctx, logEntry{
				UserID: userID, CardID: id, CategoryID: catID, At: h.At, Day: h.Day, Grade: h.Grade, Counted: h.Counted, AnswerMS: h.AnswerMS,
				Before: b.Sched(), After: a.Sched(), BeforeLapses: b.Lapses, AfterLapses: a.Lapses, BeforeLastDay: dayOrNull(b.HasLastDay, b.LastDay),
				MemBefore: mb, MemBeforeDay: mbDay, Kind: KindReview,
			}.args()...)
			if err != nil {
				return false, err
			}
			j.res.Reviews++
		}
		if memory.reviewed {
			if _, err := memoryStmt.ExecContext(ctx, memory.m.Stability, memory.m.Difficulty, int(memory.day), id); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

func (j *ankiJob) finish(context.Context, *sql.Tx) error { return nil }
