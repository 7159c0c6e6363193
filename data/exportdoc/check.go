package exportdoc

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/data/category"
	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/data/mediafile"
	"github.com/flashcards/flashcards/srs"
)

// The checks of single values return plain errors; the reader refuses the
// file with them and the place they were found.

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
	if d != nil && (d.Before(MinDay) || d.After(MaxDay)) {
		return fmt.Errorf("%s %s is outside %s to %s", what, d, MinDay, MaxDay)
	}
	return nil
}

func checkTime(what, s string) error {
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return fmt.Errorf("%s %q is not an RFC 3339 time", what, clipText(s))
	}
	return nil
}

// checkInterview checks the interview on its own; that its scope names
// the document's categories is checked with the whole document.
func (s Settings) checkInterview() error {
	if s.FinalDays != nil && (*s.FinalDays < srs.MinFinalDays || *s.FinalDays > srs.MaxFinalDays) {
		return fmt.Errorf("final_days %d is outside %d to %d", *s.FinalDays, srs.MinFinalDays, srs.MaxFinalDays)
	}
	if err := checkDay("interview_date", s.InterviewDate); err != nil {
		return err
	}
	if s.InterviewScope == nil {
		return nil
	}
	if len(*s.InterviewScope) > MaxCategories {
		return fmt.Errorf("interview_scope names more than %d categories", MaxCategories)
	}
	seen := map[string]bool{}
	for _, slug := range *s.InterviewScope {
		switch {
		case !category.ValidSlug(slug):
			return fmt.Errorf("interview_scope: %q is not a category slug", clipText(slug))
		case seen[slug]:
			return fmt.Errorf("interview_scope names %q twice", slug)
		}
		seen[slug] = true
	}
	return nil
}

func (c Category) check() error {
	if !category.ValidSlug(c.Slug) {
		return fmt.Errorf("%q is not a category slug (a-z, 0-9 and single hyphens, at most 64)", clipText(c.Slug))
	}
	if err := checkText("its name", c.Name, draft.MaxNameRunes, true); err != nil {
		return err
	}
	return checkText("its description", c.Description, maxCategoryDesc, false)
}

func (d Deck) check() error {
	if err := checkText("its name", d.Name, draft.MaxNameRunes, true); err != nil {
		return err
	}
	if d.Builtin != "" && !category.ValidSlug(d.Builtin) {
		return fmt.Errorf("built-in deck %q is not a slug", clipText(d.Builtin))
	}
	return nil
}

func (st Sched) check(what string) error {
	switch {
	case st.Repetitions < 0 || st.Repetitions > maxCount:
		return fmt.Errorf("%s: repetitions %d is outside 0 to %d", what, st.Repetitions, maxCount)
	case st.Interval < 0 || st.Interval > srs.MaxInterval:
		return fmt.Errorf("%s: interval %d is outside 0 to %d days", what, st.Interval, srs.MaxInterval)
	case st.Ease < 130 || st.Ease > maxEase:
		return fmt.Errorf("%s: ease %d is outside 130 to %d", what, st.Ease, maxEase)
	case st.Lapses < 0 || st.Lapses > maxCount:
		return fmt.Errorf("%s: lapses %d is outside 0 to %d", what, st.Lapses, maxCount)
	}
	return checkDay(what+": due", st.Due)
}

func (st State) check(what string) error {
	if err := st.Sched.check(what); err != nil {
		return err
	}
	if st.Due == nil && st.LastDay != nil {
		return fmt.Errorf("%s: a card never graded (due null) has no last_day", what)
	}
	return checkDay(what+": last_day", st.LastDay)
}

func (c Card) check() error {
	if c.ID <= 0 {
		return fmt.Errorf("the id must be a positive number")
	}
	if c.Key == "" || len(c.Key) > maxKeyBytes || !utf8.ValidString(c.Key) {
		return fmt.Errorf("the key must be 1 to %d bytes of text", maxKeyBytes)
	}
	if !category.ValidSlug(c.Category) {
		return fmt.Errorf("%q is not a category slug", clipText(c.Category))
	}
	if err := checkText("the deck", c.Deck, draft.MaxNameRunes, true); err != nil {
		return err
	}
	if err := checkText("the front", c.Front, draft.MaxTextRunes, true); err != nil {
		return err
	}
	if err := checkText("the back", c.Back, draft.MaxTextRunes, c.Cloze == 0); err != nil { // a cloze note's extra may be empty
		return err
	}
	if err := c.checkCloze(); err != nil {
		return err
	}
	if err := checkText("the source", c.Source, draft.MaxSourceRunes, false); err != nil {
		return err
	}
	if len(c.KeyPoints) > draft.MaxKeyPoints {
		return fmt.Errorf("more than %d key points", draft.MaxKeyPoints)
	}
	for _, kp := range c.KeyPoints {
		if err := checkText("a key point", kp, draft.MaxKeyPointRunes, true); err != nil {
			return err
		}
	}
	if len(c.Synonyms) > draft.MaxKeyPoints {
		return fmt.Errorf("synonyms for more than %d key points", draft.MaxKeyPoints)
	}
	for kp, alts := range c.Synonyms {
		if err := checkText("a key point with synonyms", kp, draft.MaxKeyPointRunes, true); err != nil {
			return err
		}
		if len(alts) > maxSynonyms {
			return fmt.Errorf("more than %d synonyms of one key point", maxSynonyms)
		}
		for _, alt := range alts {
			if err := checkText("a synonym", alt, draft.MaxKeyPointRunes, true); err != nil {
				return err
			}
		}
	}
	if _, err := draft.CleanTags(c.Tags); err != nil { // none: an export made before tags
		var r *draft.Refusal
		if errors.As(err, &r) && r.Message != "" {
			// A sentence; here it follows "Card N (id M): ".
			return errors.New(strings.ToLower(r.Message[:1]) + r.Message[1:])
		}
		return err
	}
	if err := checkTime("created_at", c.CreatedAt); err != nil {
		return err
	}
	if err := checkTime("updated_at", c.UpdatedAt); err != nil {
		return err
	}
	return c.State.check("state")
}

// checkCloze checks a card's cloze number and note: a number its text
// has (read as an import reads it), a note id like a card's.
func (c Card) checkCloze() error {
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

func (r *Review) check() error {
	if err := checkTime("the time", r.Time); err != nil {
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
		if !r.Before.Sched.Same(r.After) {
			return fmt.Errorf("a practice grade leaves the schedule as it was, but this one's after differs from its before")
		}
	default:
		return fmt.Errorf("kind %q is neither %q nor %q", clipText(r.Kind), KindReview, KindPractice)
	}
	if r.StudyDay.Before(MinDay) || r.StudyDay.After(MaxDay) {
		return fmt.Errorf("study day %s is outside %s to %s", r.StudyDay, MinDay, MaxDay)
	}
	if !srs.Grade(r.Grade).Valid() {
		return fmt.Errorf("grade %d is not a whole number from 0 to 5", r.Grade)
	}
	if r.AnswerMS < 0 || r.AnswerMS > draft.MaxAnswerMS {
		return fmt.Errorf("answer_ms %d is outside 0 to %d", r.AnswerMS, draft.MaxAnswerMS)
	}
	if err := r.Before.check("before"); err != nil {
		return err
	}
	if err := r.After.check("after"); err != nil {
		return err
	}
	if err := checkText("the typed answer", r.TypedAnswer, draft.MaxTypedAnswerRunes, false); err != nil {
		return err
	}
	if r.Covered != nil {
		for _, list := range [][]string{r.Covered.Covered, r.Covered.Missed} {
			if len(list) > draft.MaxKeyPoints {
				return fmt.Errorf("coverage of more than %d key points", draft.MaxKeyPoints)
			}
			for _, kp := range list {
				if err := checkText("a covered key point", kp, draft.MaxKeyPointRunes, false); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ValidMediaFile reports whether name is an image's file name as card
// text refers to it: <sha256>.<ext> of a known type.
func ValidMediaFile(name string) bool {
	m := cardtext.MediaURLPattern.FindStringSubmatch("/media/" + name)
	if m == nil {
		return false
	}
	_, ok := mediafile.ByExt(m[2])
	return ok
}

func (m Media) check() error {
	if !ValidMediaFile(m.File) {
		return fmt.Errorf("%q is not an image's file name (<sha256>.png, .jpg, .gif, .webp or .svg)", clipText(m.File))
	}
	if len(m.Data) > MaxMediaBytes {
		return fmt.Errorf("%s is larger than %d MiB", m.File, MaxMediaBytes>>20)
	}
	return checkText("the name", m.Name, maxMediaNameRune, false)
}

// check makes sure the parts of the document agree: every name a card, a
// review or the interview refers to is in the document, identities are
// unique, and each card's state is the one its log leaves.
func (doc *Document) check() error {
	cats := map[string]bool{}
	for _, c := range doc.Categories {
		if cats[c.Slug] {
			return refuse("The category %q is listed twice", c.Slug)
		}
		cats[c.Slug] = true
	}
	if doc.Settings.InterviewScope != nil {
		for _, slug := range *doc.Settings.InterviewScope {
			if !cats[slug] {
				return refuse("Settings: the interview's category %q is not among the export's categories", slug)
			}
		}
	}
	decks := map[string]bool{}
	for _, d := range doc.Decks {
		if decks[d.Name] {
			return refuse("The deck %q is listed twice", clipText(d.Name))
		}
		decks[d.Name] = true
	}
	ids := make(map[int64]bool, len(doc.Cards))
	keys := make(map[string]bool, len(doc.Cards))
	for i, c := range doc.Cards {
		switch {
		case ids[c.ID]:
			return refuse("Card %d: the id %d is used twice", i+1, c.ID)
		case keys[c.Key]:
			return refuse("Card %d: the key %q is used twice", i+1, clipText(c.Key))
		case !cats[c.Category]:
			return refuse("Card %d: its category %q is not among the export's categories", i+1, c.Category)
		case !decks[c.Deck]:
			return refuse("Card %d: its deck %q is not among the export's decks", i+1, clipText(c.Deck))
		}
		ids[c.ID], keys[c.Key] = true, true
	}
	// A card's last counted grade set its state: a card the log says was
	// graded on a day is graded, and that day is its last counted day. An
	// undo that wrote an older state over a newer one left cards that read
	// as new (or as of an earlier day) under a later grade; such a file
	// would bring that contradiction into the account.
	lastCounted := make(map[int64]srs.Day, len(doc.Cards))
	for i, r := range doc.Reviews {
		if !ids[r.CardID] {
			return refuse("Review %d: card %d is not in the export", i+1, r.CardID)
		}
		if d, ok := lastCounted[r.CardID]; r.Counted && (!ok || r.StudyDay > d) {
			lastCounted[r.CardID] = r.StudyDay
		}
	}
	for i, c := range doc.Cards {
		d, ok := lastCounted[c.ID]
		switch {
		case !ok:
		case c.State.Due == nil:
			return refuse("Card %d (id %d, %q): its state says it was never graded, but its review log has a counted grade on %s; "+
				"the file contradicts itself and nothing was restored", i+1, c.ID, clipText(c.Front), d)
		case c.State.LastDay == nil || *c.State.LastDay != d:
			last := "no day"
			if c.State.LastDay != nil {
				last = c.State.LastDay.String()
			}
			return refuse("Card %d (id %d, %q): its state says it was last graded on %s, but its review log's last counted grade is on %s; "+
				"the file contradicts itself and nothing was restored", i+1, c.ID, clipText(c.Front), last, d)
		}
	}
	return nil
}
