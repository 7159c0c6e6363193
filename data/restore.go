package data

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flashcards/flashcards/srs"
)

// Bounds on an export a restore reads. The byte limit keeps a hostile or
// runaway file from filling memory (the whole document is checked before
// anything is written, so it is held decoded); the counts are far above
// what years of daily study produce.
const (
	MaxExportBytes      = 256 << 20
	MaxExportCards      = MaxImportCards
	MaxExportReviews    = 1_000_000
	MaxExportCategories = 1_000
	MaxExportDecks      = 1_000
	maxExportKeyBytes   = 256
	maxExportSource     = 1_000 // runes
	maxExportSynonyms   = 20    // phrasings of one key point
	maxExportEase       = 100_000
	maxExportCount      = 1_000_000 // repetitions, lapses
	maxExportDepth      = 64        // nesting of the skipped mastery table
)

// The study days an export may name: well before anyone used this server,
// and past the latest due date a maximal interval can give.
var (
	minExportDay = srs.DateOf(1990, 1, 1)
	maxExportDay = srs.DateOf(2300, 1, 1)
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

	categories []exportCategory
	decks      []exportDeck
	cards      []exportCard
	reviews    []exportReview
	media      []exportMedia // images (media_export.go)
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
// database. It reads at most MaxExportBytes and refuses, wrapped in
// ErrInvalid, a file that is not an export, one of a newer version, one
// cut short, and any value out of bounds; ErrTooLarge for a file over the
// limit. Read errors of r are returned wrapped, so a caller can tell an
// http.MaxBytesError apart.
func ReadExport(r io.Reader) (*Export, error) {
	return readExport(r, MaxExportBytes)
}

func readExport(r io.Reader, limit int64) (*Export, error) {
	lr := &io.LimitedReader{R: r, N: limit + 1}
	// A byte order mark, as an editor saving on Windows may add, is no JSON.
	br := bufio.NewReader(lr)
	if head, _ := br.Peek(3); string(head) == "\uFEFF" {
		br.Discard(3)
	}
	ur := &utf8Reader{r: br}
	rd := &exportReader{dec: json.NewDecoder(ur), exp: &Export{}}
	rd.dec.DisallowUnknownFields()
	err := rd.read()
	switch {
	case lr.N <= 0:
		return nil, Errorf(ErrTooLarge, "An export may be at most %d MiB", limit>>20)
	case ur.err != nil:
		return nil, ur.err
	case err != nil:
		return nil, err
	}
	if err := rd.exp.check(); err != nil {
		return nil, err
	}
	return rd.exp, nil
}

type exportReader struct {
	dec *json.Decoder
	exp *Export
}

// readErr turns a decoding error into a message about the file.
func (rd *exportReader) readErr(where string, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var day *srs.ParseDayError
	switch {
	case errors.Is(err, ErrInvalid):
		return err
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return exportError("The file ends in the middle of %s; it looks cut short", where)
	case errors.As(err, &syn) && strings.Contains(syn.Error(), "exceeded max depth"):
		return exportError("In %s, the values are nested too deep", where)
	case errors.As(err, &syn):
		return exportError("The file is not valid JSON (in %s, near byte %d): %s", where, syn.Offset, syn.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = where
		}
		return exportError("In %s, %s holds a JSON %s where the export format has %s", where, field, typ.Value, JSONTypeWords(typ.Type))
	case strings.HasPrefix(err.Error(), "json: "):
		// Unknown fields, excessive nesting and the like.
		return exportError("In %s: %s", where, strings.TrimPrefix(err.Error(), "json: "))
	case errors.As(err, &day):
		return exportError("In %s, %q is not a date written YYYY-MM-DD", where, clipText(day.Text))
	}
	return fmt.Errorf("reading the export: %w", err)
}

func (rd *exportReader) read() error {
	tok, err := rd.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return exportError("The file is empty")
		}
		return rd.readErr("the document", err)
	}
	if tok != json.Delim('{') {
		return exportError("This is not a flashcards export: it must be a JSON object starting with \"format\": %q", ExportFormat)
	}
	seen := map[string]bool{}
	for i := 0; rd.dec.More(); i++ {
		tok, err := rd.dec.Token()
		if err != nil {
			return rd.readErr("the document", err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return exportError("The document holds %q twice", key)
		}
		seen[key] = true
		// The format and the version come first, so a file that is not an
		// export, or is of a newer version, is refused before the rest is read.
		switch {
		case i == 0 && key != "format", i == 1 && key != "version":
			return exportError("This is not a flashcards export: it must start with \"format\": %q, \"version\": %d", ExportFormat, ExportVersion)
		}
		if err := rd.member(key); err != nil {
			return err
		}
	}
	if _, err := rd.dec.Token(); err != nil { // the closing brace
		return rd.readErr("the document", err)
	}
	if _, err := rd.dec.Token(); !errors.Is(err, io.EOF) {
		return exportError("The file goes on after the end of the export")
	}
	for _, key := range []string{"settings", "categories", "decks", "cards", "reviews"} {
		if !seen[key] {
			return exportError("The export has no %q", key)
		}
	}
	return nil
}

func (rd *exportReader) member(key string) error {
	exp := rd.exp
	decode := func(v any) error {
		if err := rd.dec.Decode(v); err != nil {
			return rd.readErr(fmt.Sprintf("%q", key), err)
		}
		return nil
	}
	switch key {
	case "format":
		var f string
		if err := decode(&f); err != nil || f != ExportFormat {
			return exportError("This is not a flashcards export: its format is not %q", ExportFormat)
		}
	case "version":
		var v int
		if err := decode(&v); err != nil {
			return err
		}
		if v > ExportVersion {
			return exportError("This export was made by a newer version of flashcards (export version %d); this server reads version %d. Update this server, then restore again", v, ExportVersion)
		}
		if v < 1 {
			return exportError("The export version %d does not exist", v)
		}
		exp.Version = v
	case "exported_at":
		var at string
		if err := decode(&at); err != nil {
			return err
		}
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			return exportError("Exported_at %q is not an RFC 3339 time", clipText(at))
		}
		exp.ExportedAt = t
	case "user":
		var u exportUser
		if err := decode(&u); err != nil {
			return err
		}
		exp.User = u.Name
	case "settings":
		var st exportSettings
		if err := decode(&st); err != nil {
			return err
		}
		exp.Settings, exp.Interview = st.settings()
		if err := exp.Settings.Validate(); err != nil {
			return exportError("Settings: %s", Message(err))
		}
		if err := checkInterview(exp.Interview); err != nil {
			return exportError("Settings: %v", err)
		}
	case "categories":
		return rd.array(key, MaxExportCategories, func(i int) error {
			var c exportCategory
			if err := decode(&c); err != nil {
				return err
			}
			if err := c.check(); err != nil {
				return exportError("Category %d: %v", i+1, err)
			}
			exp.categories = append(exp.categories, c)
			return nil
		})
	case "decks":
		return rd.array(key, MaxExportDecks, func(i int) error {
			var d exportDeck
			if err := decode(&d); err != nil {
				return err
			}
			if err := d.check(); err != nil {
				return exportError("Deck %d: %v", i+1, err)
			}
			exp.decks = append(exp.decks, d)
			return nil
		})
	case "cards":
		return rd.array(key, importCardLimit, func(i int) error {
			var c exportCard
			if err := decode(&c); err != nil {
				return err
			}
			if err := c.check(); err != nil {
				return exportError("Card %d (id %d): %v", i+1, c.ID, err)
			}
			exp.cards = append(exp.cards, c)
			return nil
		})
	case "reviews":
		return rd.array(key, MaxExportReviews, func(i int) error {
			var r exportReview
			if err := decode(&r); err != nil {
				return err
			}
			if err := r.check(); err != nil {
				return exportError("Review %d (of card %d): %v", i+1, r.CardID, err)
			}
			exp.reviews = append(exp.reviews, r)
			return nil
		})
	case "media":
		return rd.readMedia()
	case "mastery":
		// Computed from the cards and reviews; a restore recomputes it.
		if err := skipValue(rd.dec, maxExportDepth); err != nil {
			return rd.readErr(`"mastery"`, err)
		}
	default:
		return exportError("The export holds an unknown member %q", clipText(key))
	}
	return nil
}

// array reads a JSON array element by element, never more than max.
func (rd *exportReader) array(key string, max int, elem func(i int) error) error {
	tok, err := rd.dec.Token()
	if err != nil {
		return rd.readErr(fmt.Sprintf("%q", key), err)
	}
	if tok != json.Delim('[') {
		return exportError("%q must be a list", key)
	}
	for i := 0; rd.dec.More(); i++ {
		if i == max && key == "cards" {
			// Count the rest without keeping it, to say how many there are.
			for ; rd.dec.More(); i++ {
				if err := skipValue(rd.dec, maxExportDepth); err != nil {
					return rd.readErr(fmt.Sprintf("%q", key), err)
				}
			}
			return tooManyCards(i)
		}
		if i == max {
			return exportError("The export holds more than %d %s, more than a restore takes", max, key)
		}
		if err := elem(i); err != nil {
			return err
		}
	}
	if _, err := rd.dec.Token(); err != nil {
		return rd.readErr(fmt.Sprintf("%q", key), err)
	}
	return nil
}

// skipValue reads one JSON value token by token, so its size costs no
// memory, refusing nesting deeper than maxDepth.
func skipValue(dec *json.Decoder, maxDepth int) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if depth++; depth > maxDepth {
				return exportError("The values are nested more than %d deep", maxDepth)
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// utf8Reader passes bytes through while checking that they are UTF-8, as
// JSON must be: the decoder would silently turn bad bytes into U+FFFD.
type utf8Reader struct {
	r    io.Reader
	tail [utf8.UTFMax]byte // the start of a rune cut by the end of the last read
	nt   int
	buf  []byte
	off  int64 // offset in the stream of buf[0]
	err  error
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	n, err := u.r.Read(p)
	u.buf = append(append(u.buf[:0], u.tail[:u.nt]...), p[:n]...)
	u.nt = 0
	b := u.buf
	if !utf8.Valid(b) {
		for i := 0; i < len(b); {
			r, size := utf8.DecodeRune(b[i:])
			if r != utf8.RuneError || size > 1 {
				i += size
				continue
			}
			if !utf8.FullRune(b[i:]) && err == nil {
				u.nt = copy(u.tail[:], b[i:])
				break
			}
			if !utf8.FullRune(b[i:]) {
				u.err = exportError("The file is not UTF-8 text (it ends inside a character)")
			} else {
				u.err = exportError("The file is not UTF-8 text (a bad byte at offset %d)", u.off+int64(i))
			}
			return 0, u.err
		}
	}
	u.off += int64(len(b) - u.nt)
	return n, err
}

// clipText shortens a value quoted in an error message.
func clipText(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

// ---- checks of single values ----

// These return plain errors; the reader wraps them in ErrInvalid with the
// place in the file.

func checkText(what, s string, maxRunes int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return fmt.Errorf("%s is empty", what)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", what)
	}
	if utf8.RuneCountInString(s) > maxRunes {
		return fmt.Errorf("%s is longer than %d characters", what, maxRunes)
	}
	return nil
}

func checkDay(what string, d *srs.Day) error {
	if d != nil && (d.Before(minExportDay) || d.After(maxExportDay)) {
		return fmt.Errorf("%s %s is outside %s to %s", what, d, minExportDay, maxExportDay)
	}
	return nil
}

func checkStoredTime(what, s string) error {
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return fmt.Errorf("%s %q is not an RFC 3339 time", what, clipText(s))
	}
	return nil
}

// checkInterview checks an exported interview on its own; that its
// scope names the export's categories is checked with the whole file.
func checkInterview(iv *InterviewSettings) error {
	if iv == nil {
		return nil
	}
	if iv.FinalDays < srs.MinFinalDays || iv.FinalDays > srs.MaxFinalDays {
		return fmt.Errorf("final_days %d is outside %d to %d", iv.FinalDays, srs.MinFinalDays, srs.MaxFinalDays)
	}
	if iv.HasDate {
		if err := checkDay("interview_date", &iv.Date); err != nil {
			return err
		}
	}
	if len(iv.Scope) > MaxExportCategories {
		return fmt.Errorf("interview_scope names more than %d categories", MaxExportCategories)
	}
	seen := map[string]bool{}
	for _, slug := range iv.Scope {
		switch {
		case !ValidSlug(slug):
			return fmt.Errorf("interview_scope: %q is not a category slug", clipText(slug))
		case seen[slug]:
			return fmt.Errorf("interview_scope names %q twice", slug)
		}
		seen[slug] = true
	}
	return nil
}

func (c exportCategory) check() error {
	if !ValidSlug(c.Slug) {
		return fmt.Errorf("%q is not a category slug (a-z, 0-9 and single hyphens, at most 64)", clipText(c.Slug))
	}
	if err := checkText("its name", c.Name, MaxNameRunes, true); err != nil {
		return err
	}
	return checkText("its description", c.Description, 500, false)
}

func (d exportDeck) check() error {
	if err := checkText("its name", d.Name, MaxNameRunes, true); err != nil {
		return err
	}
	if d.Builtin != "" && !ValidSlug(d.Builtin) {
		return fmt.Errorf("built-in deck %q is not a slug", clipText(d.Builtin))
	}
	return nil
}

func (st exportSched) check(what string) error {
	switch {
	case st.Repetitions < 0 || st.Repetitions > maxExportCount:
		return fmt.Errorf("%s: repetitions %d is outside 0 to %d", what, st.Repetitions, maxExportCount)
	case st.Interval < 0 || st.Interval > srs.MaxInterval:
		return fmt.Errorf("%s: interval %d is outside 0 to %d days", what, st.Interval, srs.MaxInterval)
	case st.Ease < 130 || st.Ease > maxExportEase:
		return fmt.Errorf("%s: ease %d is outside 130 to %d", what, st.Ease, maxExportEase)
	case st.Lapses < 0 || st.Lapses > maxExportCount:
		return fmt.Errorf("%s: lapses %d is outside 0 to %d", what, st.Lapses, maxExportCount)
	}
	return checkDay(what+": due", st.Due)
}

func (st exportState) check(what string) error {
	if err := st.exportSched.check(what); err != nil {
		return err
	}
	if st.Due == nil && st.LastDay != nil {
		return fmt.Errorf("%s: a card never graded (due null) has no last_day", what)
	}
	return checkDay(what+": last_day", st.LastDay)
}

func (c exportCard) check() error {
	if c.ID <= 0 {
		return fmt.Errorf("the id must be a positive number")
	}
	if c.Key == "" || len(c.Key) > maxExportKeyBytes || !utf8.ValidString(c.Key) {
		return fmt.Errorf("the key must be 1 to %d bytes of text", maxExportKeyBytes)
	}
	if !ValidSlug(c.Category) {
		return fmt.Errorf("%q is not a category slug", clipText(c.Category))
	}
	if err := checkText("the deck", c.Deck, MaxNameRunes, true); err != nil {
		return err
	}
	if err := checkText("the front", c.Front, MaxCardTextRunes, true); err != nil {
		return err
	}
	if err := checkText("the back", c.Back, MaxCardTextRunes, c.Cloze == 0); err != nil { // a cloze note's extra may be empty
		return err
	}
	if err := c.checkCloze(); err != nil {
		return err
	}
	if err := checkText("the source", c.Source, maxExportSource, false); err != nil {
		return err
	}
	if len(c.KeyPoints) > MaxKeyPoints {
		return fmt.Errorf("more than %d key points", MaxKeyPoints)
	}
	for _, kp := range c.KeyPoints {
		if err := checkText("a key point", kp, MaxKeyPointRunes, true); err != nil {
			return err
		}
	}
	if len(c.Synonyms) > MaxKeyPoints {
		return fmt.Errorf("synonyms for more than %d key points", MaxKeyPoints)
	}
	for kp, alts := range c.Synonyms {
		if err := checkText("a key point with synonyms", kp, MaxKeyPointRunes, true); err != nil {
			return err
		}
		if len(alts) > maxExportSynonyms {
			return fmt.Errorf("more than %d synonyms of one key point", maxExportSynonyms)
		}
		for _, alt := range alts {
			if err := checkText("a synonym", alt, MaxKeyPointRunes, true); err != nil {
				return err
			}
		}
	}
	if _, err := CleanTags(c.Tags); err != nil { // none: an export made before tags
		msg := Message(err) // a sentence; here it follows "Card N (id M): "
		return errors.New(strings.ToLower(msg[:1]) + msg[1:])
	}
	if err := checkStoredTime("created_at", c.CreatedAt); err != nil {
		return err
	}
	if err := checkStoredTime("updated_at", c.UpdatedAt); err != nil {
		return err
	}
	return c.State.check("state")
}

func (r *exportReview) check() error {
	if err := checkStoredTime("the time", r.Time); err != nil {
		return err
	}
	switch r.Kind {
	case "":
		r.Kind = KindReview // an export from before practice grades
	case KindReview:
	case KindPractice:
		// A practice grade changes the memory state only: the log that
		// says it changed the schedule contradicts itself.
		if r.Counted {
			return fmt.Errorf("a practice grade is never counted, but this one says counted: true")
		}
		if !sameSched(r.Before.exportSched, r.After) {
			return fmt.Errorf("a practice grade leaves the schedule as it was, but this one's after differs from its before")
		}
	default:
		return fmt.Errorf("kind %q is neither %q nor %q", clipText(r.Kind), KindReview, KindPractice)
	}
	if r.StudyDay.Before(minExportDay) || r.StudyDay.After(maxExportDay) {
		return fmt.Errorf("study day %s is outside %s to %s", r.StudyDay, minExportDay, maxExportDay)
	}
	if !srs.Grade(r.Grade).Valid() {
		return fmt.Errorf("grade %d is not a whole number from 0 to 5", r.Grade)
	}
	if r.AnswerMS < 0 || r.AnswerMS > MaxAnswerMS {
		return fmt.Errorf("answer_ms %d is outside 0 to %d", r.AnswerMS, MaxAnswerMS)
	}
	if err := r.Before.check("before"); err != nil {
		return err
	}
	if err := r.After.check("after"); err != nil {
		return err
	}
	if err := checkText("the typed answer", r.TypedAnswer, MaxTypedAnswerRunes, false); err != nil {
		return err
	}
	if r.Covered != nil {
		for _, list := range [][]string{r.Covered.Covered, r.Covered.Missed} {
			if len(list) > MaxKeyPoints {
				return fmt.Errorf("coverage of more than %d key points", MaxKeyPoints)
			}
			for _, kp := range list {
				if err := checkText("a covered key point", kp, MaxKeyPointRunes, false); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// check makes sure the parts of the export agree: every name a card or a
// review refers to is in the export, and identities are unique.
func (exp *Export) check() error {
	cats := map[string]bool{}
	for _, c := range exp.categories {
		if cats[c.Slug] {
			return exportError("The category %q is listed twice", c.Slug)
		}
		cats[c.Slug] = true
	}
	decks := map[string]bool{}
	for _, d := range exp.decks {
		if decks[d.Name] {
			return exportError("The deck %q is listed twice", clipText(d.Name))
		}
		decks[d.Name] = true
	}
	if exp.Interview != nil {
		for _, slug := range exp.Interview.Scope {
			if !cats[slug] {
				return exportError("Settings: the interview's category %q is not among the export's categories", slug)
			}
		}
	}
	ids := make(map[int64]bool, len(exp.cards))
	keys := make(map[string]bool, len(exp.cards))
	for i, c := range exp.cards {
		switch {
		case ids[c.ID]:
			return exportError("Card %d: the id %d is used twice", i+1, c.ID)
		case keys[c.Key]:
			return exportError("Card %d: the key %q is used twice", i+1, clipText(c.Key))
		case !cats[c.Category]:
			return exportError("Card %d: its category %q is not among the export's categories", i+1, c.Category)
		case !decks[c.Deck]:
			return exportError("Card %d: its deck %q is not among the export's decks", i+1, clipText(c.Deck))
		}
		ids[c.ID], keys[c.Key] = true, true
	}
	// A card's last counted grade set its state: a card the log says was
	// graded on a day is graded, and that day is its last counted day. An
	// undo that wrote an older state over a newer one left cards that read
	// as new (or as of an earlier day) under a later grade; such a file
	// would bring that contradiction into the account.
	lastCounted := make(map[int64]srs.Day, len(exp.cards))
	for i, r := range exp.reviews {
		if !ids[r.CardID] {
			return exportError("Review %d: card %d is not in the export", i+1, r.CardID)
		}
		if d, ok := lastCounted[r.CardID]; r.Counted && (!ok || r.StudyDay > d) {
			lastCounted[r.CardID] = r.StudyDay
		}
	}
	for i, c := range exp.cards {
		d, ok := lastCounted[c.ID]
		switch {
		case !ok:
		case c.State.Due == nil:
			return exportError("Card %d (id %d, %q): its state says it was never graded, but its review log has a counted grade on %s; "+
				"the file contradicts itself and nothing was restored", i+1, c.ID, clipText(c.Front), d)
		case c.State.LastDay == nil || *c.State.LastDay != d:
			last := "no day"
			if c.State.LastDay != nil {
				last = c.State.LastDay.String()
			}
			return exportError("Card %d (id %d, %q): its state says it was last graded on %s, but its review log's last counted grade is on %s; "+
				"the file contradicts itself and nothing was restored", i+1, c.ID, clipText(c.Front), last, d)
		}
	}
	return nil
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
func (w *restoreWriter) card(ctx context.Context, c *exportCard) (int64, error) {
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
	if _, err := w.setState.ExecContext(ctx, stateArgs(id, st.sched(st.LastDay), st.Lapses, dayPtrOrNull(st.LastDay))...); err != nil {
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
func (w *restoreWriter) review(ctx context.Context, r *exportReview) error {
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
		Counted: r.Counted, AnswerMS: r.AnswerMS, Before: b.sched(b.LastDay), After: a.sched(nil), BeforeLapses: b.Lapses, AfterLapses: a.Lapses,
		BeforeLastDay: dayPtrOrNull(b.LastDay), TypedAnswer: r.TypedAnswer, Covered: covered, MemBefore: mb, MemBeforeDay: mbDay, Kind: r.Kind,
	}.args()...); err != nil {
		return fmt.Errorf("restore a review of card %d: %w", r.CardID, err)
	}
	j.res.Reviews++
	return nil
}

// sameSched reports whether two scheduling states are the same.
func sameSched(a, b exportSched) bool {
	return a.Repetitions == b.Repetitions && a.Interval == b.Interval && a.Ease == b.Ease && a.Lapses == b.Lapses &&
		(a.Due == nil) == (b.Due == nil) && (a.Due == nil || *a.Due == *b.Due)
}
