package exportdoc

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/flashcards/flashcards/srs"
)

// Tables writes the CSV export of docs/export.md: a zip holding
// cards.csv, reviews.csv and mastery.csv, each UTF-8 with a byte order
// mark, a header row and RFC 4180 quoting. Rows are written as the caller
// feeds them, so the export never holds the review log in memory.
type Tables struct {
	zw       *zip.Writer
	modified time.Time
}

// NewTables starts the zip on w; its files are dated modified.
func NewTables(w io.Writer, modified time.Time) *Tables {
	return &Tables{zw: zip.NewWriter(w), modified: modified}
}

// The tables' columns, documented in docs/export.md.
var (
	CardColumns = []string{"id", "key", "deck", "category", "front", "back", "key_points", "source", "suspended",
		"edited", "repetitions", "interval", "ease", "due", "lapses", "last_day", "created_at", "updated_at", "tags"}
	ReviewColumns = []string{"time", "study_day", "card_id", "category", "grade", "counted", "answer_ms",
		"before_repetitions", "before_interval", "before_ease", "before_due", "before_lapses", "before_last_day",
		"after_repetitions", "after_interval", "after_ease", "after_due", "after_lapses",
		"typed_answer", "covered", "missed", "kind"}
	MasteryColumns = []string{"category", "name", "cards", "new", "learning", "young", "mature", "mastery",
		"recall_30d", "lapses", "avg_ease", "last_reviewed", "most_missed", "weakest"}
)

// csvBOM starts every CSV file: without it Excel reads UTF-8 as the
// machine's legacy code page and garbles every accent and dash.
const csvBOM = "\uFEFF"

// Cards writes cards.csv: each calls row once per card, in order.
func (t *Tables) Cards(each func(row func(*Card) error) error) error {
	return t.table("cards.csv", CardColumns, func(cw *csv.Writer) error {
		rec := make([]string, len(CardColumns))
		return each(func(c *Card) error {
			rec = append(rec[:0], strconv.FormatInt(c.ID, 10), cell(c.Key), cell(c.Deck), c.Category,
				cell(c.Front), cell(c.Back), cell(strings.Join(c.KeyPoints, "\n")), cell(c.Source),
				flag(c.Suspended), flag(c.Edited),
				strconv.Itoa(c.State.Repetitions), strconv.Itoa(c.State.Interval), strconv.Itoa(c.State.Ease),
				day(c.State.Due), strconv.Itoa(c.State.Lapses), day(c.State.LastDay), c.CreatedAt, c.UpdatedAt,
				cell(strings.Join(c.Tags, " ")))
			return cw.Write(rec)
		})
	})
}

// Reviews writes reviews.csv: each calls row once per review, with the
// slug of its card's category.
func (t *Tables) Reviews(each func(row func(r *Review, category string) error) error) error {
	return t.table("reviews.csv", ReviewColumns, func(cw *csv.Writer) error {
		rec := make([]string, len(ReviewColumns))
		return each(func(r *Review, category string) error {
			var covered, missed string
			if r.Covered != nil {
				covered, missed = strings.Join(r.Covered.Covered, "\n"), strings.Join(r.Covered.Missed, "\n")
			}
			rec = append(rec[:0], r.Time, r.StudyDay.String(), strconv.FormatInt(r.CardID, 10), category,
				strconv.Itoa(r.Grade), flag(r.Counted), strconv.Itoa(r.AnswerMS),
				strconv.Itoa(r.Before.Repetitions), strconv.Itoa(r.Before.Interval), strconv.Itoa(r.Before.Ease),
				day(r.Before.Due), strconv.Itoa(r.Before.Lapses), day(r.Before.LastDay),
				strconv.Itoa(r.After.Repetitions), strconv.Itoa(r.After.Interval), strconv.Itoa(r.After.Ease),
				day(r.After.Due), strconv.Itoa(r.After.Lapses),
				cell(r.TypedAnswer), cell(covered), cell(missed), r.Kind)
			return cw.Write(rec)
		})
	})
}

// Mastery writes mastery.csv, a row per category of m.
func (t *Tables) Mastery(m MasteryTable) error {
	return t.table("mastery.csv", MasteryColumns, func(cw *csv.Writer) error {
		for _, c := range m.Categories {
			last := ""
			if c.LastReviewed != nil {
				last = *c.LastReviewed
			}
			weakest := m.Weakest != nil && *m.Weakest == c.Slug
			if err := cw.Write([]string{c.Slug, cell(c.Name), strconv.Itoa(c.Cards), strconv.Itoa(c.New),
				strconv.Itoa(c.Learning), strconv.Itoa(c.Young), strconv.Itoa(c.Mature),
				strconv.FormatFloat(c.Mastery, 'f', -1, 64), number(c.Recall30), strconv.Itoa(c.Lapses),
				number(c.AvgEase), last, cell(strings.Join(c.MostMissed, "\n")), flag(weakest)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Close ends the zip.
func (t *Tables) Close() error { return t.zw.Close() }

// table writes one CSV file of the zip: the mark, the header, the rows.
func (t *Tables) table(name string, header []string, rows func(cw *csv.Writer) error) error {
	fw, err := t.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: t.modified})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(fw, csvBOM); err != nil {
		return err
	}
	cw := csv.NewWriter(fw)
	cw.UseCRLF = true // RFC 4180, and what spreadsheets write
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := rows(cw); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// cell guards a text cell against formula injection: a spreadsheet runs a
// cell starting with = + - @ (or a tab or carriage return, which some
// strip first) as a formula, so such cells get a leading apostrophe,
// which spreadsheets show as text. Only text from cards and answers goes
// through it; numbers and dates the export writes itself are left alone.
func cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func day(d *srs.Day) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func number(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
