package data

import (
	"context"
	"database/sql"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flashcards/flashcards/data/anki"
	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/srs"
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

// ankiDraft is one Anki card made ready to store.
type ankiDraft struct {
	key         string
	deck        string
	front, back string
	tags        []string
	card        anki.Card
	// A card of a Cloze note: its number (ord+1) and the note, whose text
	// is front and whose extra fields are back (data/cloze.go).
	cloze int
	note  string
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
	fallbackDeck := DeckNameFor(name)
	drafts, stats, err := col.drafts(fallbackDeck)
	if err != nil {
		return res, err
	}
	res.Found, res.Empty, res.Unknown, res.Media = len(col.Cards), stats.empty, stats.unknown, stats.media
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
		res.Deck = drafts[0].deck
	}
	s.rerenderUser(ctx, userID)
	return res, nil
}

type ankiDraftStats struct{ empty, unknown, media int }

// drafts turns the collection's cards into card texts, in note order.
func (c *ankiCollection) drafts(fallbackDeck string) ([]ankiDraft, ankiDraftStats, error) {
	var st ankiDraftStats
	// Many cards of one huge note could make the server render it over and
	// over; real collections stay far below this budget of bytes handled.
	work := 0
	var out []ankiDraft
	texts := map[int64][]string{} // each note's fields as text, made once
	images := c.media.image
	for _, k := range c.Cards {
		note := c.Notes[k.Nid]
		var nt *anki.Notetype
		if note != nil {
			nt = c.Notetypes[note.Mid]
		}
		if nt == nil {
			st.unknown++
			continue
		}
		text, ok := texts[k.Nid]
		if !ok {
			text = make([]string, len(note.Fields))
			for i, f := range note.Fields {
				var m int
				text[i], m = anki.FieldTextImages(f, images)
				// No side holds more, so no field need be longer.
				text[i] = ankiTruncate(text[i])
				st.media += m
			}
			texts[k.Nid] = text
		}
		front, back := ankiSides(nt, note.Fields, text, k.Ord, &work, images)
		if c.media != nil && c.media.err != nil {
			return nil, st, c.media.err
		}
		if work > ankiMaxWork {
			return nil, st, ankiError("The package's notes are too large to read (many cards of very long notes)")
		}
		front, back = ankiTruncate(front), ankiTruncate(back)
		if front == "" || back == "" && !nt.Cloze { // a cloze note's extra text may be empty
			st.empty++
			continue
		}
		deck := c.deckName(k, fallbackDeck)
		d := ankiDraft{key: ankiCardKey(note, k), deck: deck, front: front, back: back, tags: note.Tags, card: k}
		if nt.Cloze {
			d.key, d.cloze, d.note = ankiClozeCardKey(note, k), k.Ord+1, strconv.FormatInt(k.Nid, 10)
		}
		out = append(out, d)
	}
	return out, st, nil
}

// deckName is the name of the card's deck: its home deck when it sits in
// a filtered deck for now.
func (c *ankiCollection) deckName(k anki.Card, fallback string) string {
	id := k.Did
	if k.Odid != 0 {
		id = k.Odid
	}
	name := strings.TrimSpace(strings.ToValidUTF8(c.Decks[id], ""))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" {
		return fallback
	}
	if r := []rune(name); len(r) > MaxNameRunes {
		name = strings.TrimSpace(string(r[:MaxNameRunes]))
	}
	return name
}

// ankiCardKey is a card's identity across imports: the note's guid (its id
// when the guid is odd) and the card's template or cloze number. A note
// this server exported carries the card's own key, so the card comes back
// as itself.
func ankiCardKey(n *anki.Note, k anki.Card) string {
	if rest, ok := strings.CutPrefix(n.GUID, anki.GUIDPrefix); ok && k.Ord == 0 && anki.GoodGUID(rest) {
		return rest
	}
	if anki.GoodGUID(n.GUID) && len(n.GUID) <= 64 {
		return "anki:" + n.GUID + ":" + strconv.Itoa(k.Ord)
	}
	return "anki:" + strconv.FormatInt(k.Nid, 10) + ":" + strconv.Itoa(k.Ord)
}

// ankiSides renders an Anki card's front and back from its note's fields (raw
// HTML and reduced text) for the card's template ord. A cloze card's
// front is its note's text with the {{cN::…}} deletions (cardtext renders
// it), its back any extra field its template shows; "" when the text has
// no deletion of its number. Another card shows on the front
// the fields its question template names and on the back those its answer
// template adds; a template naming none falls back to field order (first
// field on the front, reversed for the second template).
func ankiSides(nt *anki.Notetype, raw, text []string, ord int, work *int, images anki.ImageFunc) (front, back string) {
	index := func(name string) int {
		for i, f := range nt.Fields {
			if f == name {
				return i
			}
		}
		for i, f := range nt.Fields {
			if strings.EqualFold(f, name) {
				return i
			}
		}
		return -1
	}
	field := func(i int) string {
		if i >= 0 && i < len(text) {
			return text[i]
		}
		return ""
	}
	join := func(idx []int) string {
		var parts []string
		for _, i := range idx {
			*work += 1 + len(field(i))
			if t := field(i); t != "" {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, "\n\n")
	}
	refs := func(tmpl string, withType bool, skip map[int]bool) []int {
		var idx []int
		for _, r := range anki.TemplateFields(tmpl) {
			if r.TypeAns && !withType {
				continue
			}
			if i := index(r.Field); i >= 0 && !skip[i] {
				skip[i] = true
				idx = append(idx, i)
			}
		}
		return idx
	}

	if nt.Cloze {
		t := nt.Templates[0]
		*work += len(t.Qfmt) + len(t.Afmt)
		clozeField := 0
		for _, r := range anki.TemplateFields(t.Qfmt) {
			if i := index(r.Field); r.Cloze && i >= 0 {
				clozeField = i
				break
			}
		}
		if clozeField >= len(raw) {
			return "", ""
		}
		n := ord + 1
		*work += 3 * len(raw[clozeField])
		if nums, _ := cardtext.ClozeNumbers(field(clozeField), false); !slices.Contains(nums, n) {
			return "", ""
		}
		front = field(clozeField)
		extra := refs(t.Afmt, true, map[int]bool{clozeField: true})
		if t.Afmt == "" {
			*work += len(text)
			for i := range text {
				if i != clozeField {
					extra = append(extra, i)
				}
			}
		}
		return front, join(extra)
	}

	t, ok := nt.Templates[ord]
	*work += len(t.Qfmt) + len(t.Afmt)
	used := map[int]bool{}
	var frontIdx, backIdx []int
	if ok {
		frontIdx = refs(t.Qfmt, false, used)
		backIdx = refs(t.Afmt, true, used)
	}
	if len(frontIdx) == 0 {
		used = map[int]bool{}
		if ord == 1 && len(text) > 1 {
			frontIdx = []int{1}
		} else {
			frontIdx = []int{0}
		}
		used[frontIdx[0]] = true
		backIdx = nil
	}
	if len(backIdx) == 0 {
		*work += len(text)
		for i := range text {
			if !used[i] {
				backIdx = append(backIdx, i)
			}
		}
	}
	return join(frontIdx), join(backIdx)
}

// ---- scheduling ----

// ankiState is a card's scheduling state in this server's terms.
type ankiState struct {
	graded      bool
	repetitions int
	interval    int
	ease        int
	due         srs.Day
	lapses      int
	lastDay     srs.Day
	hasLastDay  bool
	suspended   bool
}

// sched is the state as srs reads it.
func (st ankiState) sched() srs.Card {
	return srs.Card{State: srs.State{Repetitions: st.repetitions, Interval: st.interval, Ease: st.ease},
		Graded: st.graded, Due: st.due, LastCounted: st.lastDay}
}

// ankiEase turns Anki's factor (permille) into the ease in hundredths.
func ankiEase(factor int) int {
	if factor <= 0 {
		return 250
	}
	return min(max(factor/10, 130), ankiMaxEase)
}

// ankiRepetitions derives SM-2's run of passes from an interval: SM-2
// reaches 1 day after one pass and 6 after two.
func ankiRepetitions(interval int) int {
	if interval < 6 {
		return 1
	}
	return 2
}

// ankiCardState maps an Anki card's scheduling (docs/anki.md has the table).
// created is the study day of the collection's creation, today the user's.
// last is the study day of the card's last imported review, if any.
func ankiCardState(k anki.Card, created, today srs.Day, last srs.Day, hasLast bool) ankiState {
	st := ankiState{ease: 250, lapses: min(max(k.Lapses, 0), ankiMaxCount), suspended: k.Queue == -1,
		lastDay: last, hasLastDay: hasLast}
	switch k.Type {
	case 2: // review
		st.graded = true
		st.interval = min(max(k.Ivl, 1), srs.MaxInterval)
		st.repetitions = ankiRepetitions(st.interval)
		st.ease = ankiEase(k.Factor)
		due := k.Due
		if k.Odid != 0 && k.Odue != 0 {
			due = k.Odue // in a filtered deck: its own due day is kept here
		}
		st.due = ankiClampDay(created, due, today)
	case 1, 3: // learning, relearning: back today, or tomorrow if answered today
		st.graded = true
		st.interval = 1
		st.ease = ankiEase(k.Factor)
		st.due = today
		if hasLast && last >= today {
			st.due = today + 1
		}
	default: // new, or a type this importer does not know
		st.lastDay, st.hasLastDay = 0, false
	}
	return st
}

// ankiClampDay adds Anki's day number to the creation day, within the
// range of days the store keeps.
func ankiClampDay(created srs.Day, days int64, today srs.Day) srs.Day {
	lo, hi := int64(ankiMinDay), int64(today)+srs.MaxInterval
	return srs.Day(min(max(int64(created)+min(max(days, -1e6), 1e6), lo), hi))
}

// ankiGrade maps Anki's answer buttons onto SM-2 grades: Again 1 (wrong),
// Hard 3, Good 4, Easy 5.
func ankiGrade(ease int) (srs.Grade, bool) {
	switch ease {
	case 1:
		return 1, true
	case 2:
		return 3, true
	case 3:
		return 4, true
	case 4:
		return 5, true
	}
	return 0, false
}

// ankiHistoryRow is one review as the reviews table holds it.
type ankiHistoryRow struct {
	at            time.Time
	day           srs.Day
	grade         srs.Grade
	counted       bool
	answerMS      int
	before, after ankiState
}

// ankiHistory turns one card's revlog into review rows. Each row's state
// before is the previous row's after, so the mastery credit adds up; the
// first starts from lastIvl (new when 0). Rows that are no answer (manual
// rescheduling, ease 0) or have an impossible time are left out; answers
// in a filtered deck without rescheduling (type 3) are logged uncounted,
// as this server logs re-drills.
func ankiHistory(revs []anki.Review, loc *time.Location, rollover int, now time.Time) []ankiHistoryRow {
	var rows []ankiHistoryRow
	earliest := srs.DayStart(ankiMinDay, time.UTC, 0)
	latest := now.Add(24 * time.Hour)
	var prev *ankiState
	for _, r := range revs {
		g, ok := ankiGrade(r.Ease)
		at := time.UnixMilli(r.ID).UTC()
		if !ok || at.Before(earliest) || at.After(latest) {
			continue
		}
		day := srs.StudyDay(at, loc, rollover)
		var before ankiState
		switch {
		case prev != nil:
			before = *prev
		case r.LastIvl != 0:
			iv := ankiDays(r.LastIvl)
			before = ankiState{graded: true, interval: iv, repetitions: ankiRepetitions(iv), ease: ankiEase(r.Factor), due: day}
		default:
			before = ankiState{ease: 250}
		}
		row := ankiHistoryRow{at: at, day: day, grade: g, counted: r.Type != 3,
			answerMS: int(min(max(r.TimeMS, 0), MaxAnswerMS)), before: before, after: before}
		if row.counted {
			after := ankiState{graded: true, interval: ankiDays(r.Ivl), lapses: before.lapses,
				lastDay: day, hasLastDay: true}
			after.ease = before.ease
			if r.Factor > 0 {
				after.ease = ankiEase(r.Factor)
			}
			switch {
			case !g.Passed():
				after.repetitions = 0
			case r.Ivl <= 0: // still in learning steps
				after.repetitions = 0
			default:
				after.repetitions = ankiRepetitions(after.interval)
			}
			if r.Ease == 1 && r.Type == 1 {
				after.lapses = min(after.lapses+1, ankiMaxCount)
			}
			after.due = day + srs.Day(after.interval)
			row.after = after
			prev = &row.after
		}
		rows = append(rows, row)
	}
	return rows
}

// ankiDays reads a revlog interval: days when positive, seconds of a
// learning step when negative, which this server keeps as 1 day.
func ankiDays(ivl int) int {
	if ivl <= 0 {
		return 1
	}
	return min(ivl, srs.MaxInterval)
}

// ---- storing ----

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
	drafts                []ankiDraft
	fallbackCategory, src string
	progress              func(done, total int)
	base                  AnkiImportResult // what reading the package found
	media                 []mediaDraft     // the images the cards show

	// Set by begin: the first chunk may run twice.
	res        AnkiImportResult
	loc        *time.Location
	rollover   int
	now        time.Time
	today      srs.Day
	created    srs.Day
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
		if d.cloze > 0 {
			j.notes.add(d.note, d.key)
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
	j.loc, j.rollover, j.now = st.Location(), st.RolloverHour, j.s.now()
	j.today = srs.StudyDay(j.now, j.loc, st.RolloverHour)
	// Anki's day numbers count from the study day the collection was made,
	// by its own rollover hour; the zone is the user's, the best guess.
	j.created = srs.StudyDay(time.Unix(j.col.Created, 0), j.loc, j.col.Rollover)

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
	cards, err := newImportCards(ctx, tx, p, userID, j.now, j.notes)
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
		if j.existing[d.key] {
			j.res.Skipped++
			continue
		}
		if wrote > 0 && clock.over() {
			return false, nil
		}
		wrote++
		deckID, ok := j.deckIDs[d.deck]
		if !ok {
			if deckID, err = j.s.importDeck(ctx, tx, p, userID, d.deck, ""); err != nil {
				return false, err
			}
			j.deckIDs[d.deck] = deckID
		}
		catID, ok := j.cats.match(d.tags)
		if !ok {
			catID = j.fallbackID
		}
		var kps []string
		if d.cloze > 0 {
			kps = clozeKeyPoints(d.front, d.cloze)
		}
		id, err := cards.add(ctx, importedCard{deckID: deckID, catID: catID, key: d.key, front: d.front, back: d.back,
			keyPoints: kps, source: j.src, tags: AnkiTags(d.tags), // the note's tags, "::" as "/"
			note: d.note, cloze: d.cloze})
		if err != nil {
			return false, err
		}
		j.existing[d.key] = true
		j.res.Added++
		j.perDeck[d.deck]++

		history := ankiHistory(j.col.Reviews[d.card.ID], j.loc, j.rollover, j.now)
		var last srs.Day
		hasLast := false
		for _, h := range history {
			if h.counted {
				last, hasLast = h.day, true
			}
		}
		state := ankiCardState(d.card, j.created, j.today, last, hasLast)
		if !state.graded {
			// Anki reset the card to new and kept its log: the answers
			// stay in the history, uncounted, so the card reads as new
			// under them, as the store would have logged them, and the
			// account's export restores without contradiction.
			for i := range history {
				history[i].counted = false
				history[i].before, history[i].after = ankiState{ease: 250}, ankiState{ease: 250}
			}
		}
		if state.suspended {
			if _, err := suspendStmt.ExecContext(ctx, id); err != nil {
				return false, err
			}
		}
		if state.graded {
			if _, err := stateStmt.ExecContext(ctx, stateArgs(id, state.sched(), state.lapses, dayOrNull(state.hasLastDay, state.lastDay))...); err != nil {
				return false, err
			}
		}
		var memory memoryFold
		for _, h := range history {
			b, a := h.before, h.after
			mb, mbDay := memory.add(h.day, h.grade)
			_, err := reviewStmt.ExecContext(ctx, logEntry{
				UserID: userID, CardID: id, CategoryID: catID, At: h.at, Day: h.day, Grade: h.grade, Counted: h.counted, AnswerMS: h.answerMS,
				Before: b.sched(), After: a.sched(), BeforeLapses: b.lapses, AfterLapses: a.lapses, BeforeLastDay: dayOrNull(b.hasLastDay, b.lastDay),
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
