package handlers

import (
	"github.com/flashcards/flashcards/srs"
)

// The JSON the API answers with, in one place: each type is the shape of
// one answer or of a part of one, as docs/api.md shows it. The handlers
// that fill them are in api*.go and the file of their resource.

type settingsJSON struct {
	Timezone      string `json:"timezone"`
	RolloverHour  int    `json:"rollover_hour"`
	NewPerDay     int    `json:"new_per_day"`
	ReviewsPerDay int    `json:"reviews_per_day"`
	TypeAnswers   bool   `json:"type_answers"`
	// The interview (data.InterviewSettings): its date or null, the slugs
	// of the categories it covers ([] for all), the final pass's length
	// and the new-card pacing.
	InterviewDate  *srs.Day `json:"interview_date"`
	InterviewScope []string `json:"interview_scope"`
	FinalDays      int      `json:"final_days"`
	NewCardsOnTime bool     `json:"new_cards_on_time"`
}

type cardJSON struct {
	ID        int64    `json:"id"`
	Front     string   `json:"front"`
	Back      string   `json:"back"`
	Category  string   `json:"category"`
	KeyPoints []string `json:"key_points"`
	Tags      []string `json:"tags"`
	// A cloze card's number and note (docs/markdown.md#cloze-deletions):
	// front is the note's text with its {{cN::…}} markup. Absent for a
	// basic card.
	Cloze int   `json:"cloze,omitempty"`
	Note  int64 `json:"note,omitempty"`
}

type cardStateJSON struct {
	Repetitions int     `json:"repetitions"`
	Interval    int     `json:"interval"`
	Ease        int     `json:"ease"`
	Due         *string `json:"due"`
	Lapses      int     `json:"lapses"`
}

type fullCardJSON struct {
	cardJSON
	Deck      string        `json:"deck"`
	Suspended bool          `json:"suspended"`
	State     cardStateJSON `json:"state"`
	Memory    *memoryJSON   `json:"memory"` // null for a card never reviewed
}

// memoryJSON is a card's FSRS memory state, and its predicted recall on
// the user's study day now, a fraction from 0 to 1.
type memoryJSON struct {
	Stability  float64 `json:"stability"`
	Difficulty float64 `json:"difficulty"`
	RecallNow  float64 `json:"recall_now"`
}

type gradeJSON struct {
	CardID      int64  `json:"card_id"`
	Repetitions int    `json:"repetitions"`
	Interval    int    `json:"interval"`
	Ease        int    `json:"ease"`
	Due         string `json:"due"`
	Redrill     bool   `json:"redrill"`
}

// nextJSON is the answer of GET /review/next.
type nextJSON struct {
	Card      cardJSON `json:"card"`
	Remaining int      `json:"remaining"`
	Redrill   bool     `json:"redrill"`
	// FinalPass: the interview's final pass shows the card; its grade is a
	// practice grade (docs/scheduling.md, interview mode).
	FinalPass bool `json:"final_pass"`
}

// cardPageJSON is a page of GET /cards; NextCursor is null on the last.
type cardPageJSON struct {
	Cards      []fullCardJSON `json:"cards"`
	NextCursor *string        `json:"next_cursor"`
}

// importJSON is the API's answer to an import, whatever the format:
// counts a format does not have are 0, lists it does not have empty.
type importJSON struct {
	Format        string           `json:"format"`
	Summary       string           `json:"summary"`
	Deck          string           `json:"deck,omitempty"`
	Decks         []string         `json:"decks"`
	Found         int              `json:"found"`
	Cards         int              `json:"cards"`
	Skipped       int              `json:"skipped"`
	Reviews       int              `json:"reviews"`
	NewCategories []string         `json:"new_categories"`
	NewDecks      []string         `json:"new_decks"`
	Unanswered    []unansweredJSON `json:"unanswered"`
	LeftOut       int              `json:"left_out"`
	Media         int              `json:"media_dropped"`
	Images        int              `json:"images"` // an Anki package's images kept
}

type unansweredJSON struct {
	Line     int    `json:"line"`
	Question string `json:"question"`
	Reason   string `json:"reason"`
}

// readinessJSON is GET /api/v1/readiness (docs/api.md).
type readinessJSON struct {
	InterviewDate *srs.Day                `json:"interview_date"`
	Today         srs.Day                 `json:"today"`
	DaysLeft      *int                    `json:"days_left"`
	FinalPassFrom *srs.Day                `json:"final_pass_from"`
	Passed        bool                    `json:"passed"`
	Categories    []categoryReadinessJSON `json:"categories"`
	Plan          []planDayJSON           `json:"plan"`
}

type categoryReadinessJSON struct {
	Slug              string   `json:"slug"`
	Name              string   `json:"name"`
	InScope           bool     `json:"in_scope"`
	Cards             int      `json:"cards"`
	Started           bool     `json:"started"`
	NotStarted        int      `json:"not_started"`
	RecallNow         *float64 `json:"recall_now"`
	RecallAtInterview *float64 `json:"recall_at_interview"`
}

type planDayJSON struct {
	Date      srs.Day `json:"date"`
	New       int     `json:"new"`
	Reviews   int     `json:"reviews"`
	FinalPass int     `json:"final_pass"`
}

// mediaJSON is an uploaded image, as the card form and the API get it.
type mediaJSON struct {
	URL         string `json:"url"`
	Markdown    string `json:"markdown"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}
