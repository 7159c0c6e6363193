// Package exportdoc is the JSON export document of docs/export.md: its
// types, its encoder, which writes one row at a time, and its decoder,
// which reads bytes into a checked Document or refuses them with the
// sentence the person reads. It knows nothing of the store: the store
// feeds the encoder from its rows and writes what the decoder read.
package exportdoc

import (
	"time"

	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/srs"
)

// The document's identity. A document names its format and version first,
// so a reader can refuse a file it does not understand before reading the
// rest. Bump Version when a change would make an older server misread a
// file; docs/export.md describes version 1.
const (
	Format  = "flashcards-export"
	Version = 1
)

// Bounds on a document the decoder reads. The byte limit keeps a hostile
// or runaway file from filling memory (the whole document is checked
// before anything is written, so it is held decoded); the counts are far
// above what years of daily study produce.
const (
	MaxBytes      = 256 << 20
	MaxCards      = draft.MaxImportCards
	MaxReviews    = 1_000_000
	MaxCategories = draft.MaxCategories
	MaxDecks      = draft.MaxDecks
	// MaxMedia is the most images a document may carry.
	MaxMedia = 20_000
	// MaxMediaBytes bounds one image's bytes in a file; the account's own
	// per-image limit (usually smaller) is the store's to check.
	MaxMediaBytes = 64 << 20

	maxKeyBytes      = 256
	maxSynonyms      = 20 // phrasings of one key point
	maxEase          = 100_000
	maxCount         = 1_000_000 // repetitions, lapses
	maxDepth         = 64        // nesting of the skipped mastery table
	maxCategoryDesc  = 500       // runes
	maxMediaNameRune = 1_000
)

// The days a document may name: well before anyone used this server, and
// past the latest due date a maximal interval can give.
var (
	MinDay = srs.DateOf(1990, 1, 1)
	MaxDay = srs.DateOf(2300, 1, 1)
)

// The kinds of review in the log: a grade of the day's queue, or a
// practice grade, given outside the schedule.
const (
	KindReview   = "review"
	KindPractice = "practice"
)

// Document is a whole export, as the decoder hands it over checked.
type Document struct {
	Version    int
	ExportedAt time.Time
	User       string // the account it came from
	Settings   Settings
	Categories []Category
	Decks      []Deck
	Cards      []Card
	Reviews    []Review
	Media      []Media
}

// User is the "user" member: the account the export came from.
type User struct {
	Name string `json:"name"`
}

// Settings is the "settings" member: the review settings and the
// interview, named as GET /api/v1/settings names them.
type Settings struct {
	Timezone      string `json:"timezone"`
	RolloverHour  int    `json:"rollover_hour"`
	NewPerDay     int    `json:"new_per_day"`
	ReviewsPerDay int    `json:"reviews_per_day"`
	TypeAnswers   bool   `json:"type_answers"`
	// The interview. An export made before exports carried it has none of
	// these; its restore leaves the account's interview as it is.
	InterviewDate  *srs.Day  `json:"interview_date"` // null: none set
	InterviewScope *[]string `json:"interview_scope,omitempty"`
	FinalDays      *int      `json:"final_days,omitempty"`
	NewCardsOnTime *bool     `json:"new_cards_on_time,omitempty"`
}

// HasInterview reports whether the settings say anything of the interview.
func (s Settings) HasInterview() bool {
	return s.InterviewDate != nil || s.InterviewScope != nil || s.FinalDays != nil || s.NewCardsOnTime != nil
}

// Category is one of the "categories".
type Category struct {
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Builtin     bool   `json:"builtin"`
}

// Deck is one of the "decks".
type Deck struct {
	Name    string `json:"name"`
	Builtin string `json:"builtin"` // slug of the built-in deck it came from, "" for the user's own
}

// Sched is a scheduling state as a review's "after" records it.
type Sched struct {
	Repetitions int      `json:"repetitions"`
	Interval    int      `json:"interval"`
	Ease        int      `json:"ease"`
	Due         *srs.Day `json:"due"` // null: never graded
	Lapses      int      `json:"lapses"`
}

// SRS is the state as srs reads it, with last as its last counted day.
func (e Sched) SRS(last *srs.Day) srs.Card {
	c := srs.Card{State: srs.State{Repetitions: e.Repetitions, Interval: e.Interval, Ease: e.Ease}, Graded: e.Due != nil}
	if e.Due != nil {
		c.Due = *e.Due
	}
	if last != nil {
		c.LastCounted = *last
	}
	return c
}

// Same reports whether two scheduling states are the same.
func (e Sched) Same(o Sched) bool {
	return e.Repetitions == o.Repetitions && e.Interval == o.Interval && e.Ease == o.Ease && e.Lapses == o.Lapses &&
		(e.Due == nil) == (o.Due == nil) && (e.Due == nil || *e.Due == *o.Due)
}

// State is a card's full state: Sched and its last counted day.
type State struct {
	Sched
	LastDay *srs.Day `json:"last_day"`
}

// Card is one of the "cards".
type Card struct {
	ID        int64               `json:"id"`
	Key       string              `json:"key"`
	Deck      string              `json:"deck"`
	Category  string              `json:"category"`
	Front     string              `json:"front"`
	Back      string              `json:"back"`
	KeyPoints []string            `json:"key_points"`
	Synonyms  map[string][]string `json:"synonyms"`
	Source    string              `json:"source"`
	Tags      []string            `json:"tags"`
	Suspended bool                `json:"suspended"`
	Edited    bool                `json:"edited"`
	CreatedAt string              `json:"created_at"`
	UpdatedAt string              `json:"updated_at"`
	State     State               `json:"state"`
	// A cloze card's number, and its note: the id of a card of the note.
	// Absent for a basic card, and in older exports.
	Cloze int   `json:"cloze,omitempty"`
	Note  int64 `json:"note,omitempty"`
}

// Coverage is which key points a typed answer covered and missed.
type Coverage struct {
	Covered []string `json:"covered"`
	Missed  []string `json:"missed"`
}

// Review is one of the "reviews": one grade of the log.
type Review struct {
	CardID      int64     `json:"card_id"`
	Time        string    `json:"time"`
	StudyDay    srs.Day   `json:"study_day"`
	Grade       int       `json:"grade"`
	Counted     bool      `json:"counted"`
	AnswerMS    int       `json:"answer_ms"`
	Before      State     `json:"before"`
	After       Sched     `json:"after"`
	TypedAnswer string    `json:"typed_answer"`
	Covered     *Coverage `json:"covered"` // null without a typed answer
	// Kind is KindReview or KindPractice; the decoder makes an absent one
	// (an export from before practice grades) KindReview.
	Kind string `json:"kind"`
}

// Media is one of the "media": an image the exported cards show, base64
// in the document, so the export stays one file.
type Media struct {
	File        string `json:"file"` // <hash>.<ext>, as card text refers to it
	Name        string `json:"name"` // the name it was uploaded with
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"` // base64 in the document
}
