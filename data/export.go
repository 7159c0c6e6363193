package data

import (
	"archive/zip"
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flashcards/flashcards/data/anki"
	"github.com/flashcards/flashcards/data/exportdoc"
	"github.com/flashcards/flashcards/srs"
)

// The JSON export's identity. A document names its format and version
// first, so a reader can refuse a file it does not understand before
// reading the rest. Bump ExportVersion when a change would make an older
// server misread a file; docs/export.md describes version 1.
const (
	ExportFormat  = exportdoc.Format
	ExportVersion = exportdoc.Version
)

// ExportKind is one of the formats a user's data is exported in.
type ExportKind string

// The export formats: the lossless JSON document, a zip of three CSV
// tables for spreadsheets, a card list Anki's "Import File" reads, and an
// Anki package with scheduling and history (anki_export.go).
const (
	ExportJSON ExportKind = "json"
	ExportCSV  ExportKind = "csv"
	ExportAnki ExportKind = "anki"
	ExportApkg ExportKind = "apkg"
)

// ParseExportKind reads a format name as the CLI and the API take it.
func ParseExportKind(s string) (ExportKind, error) {
	switch k := ExportKind(strings.ToLower(strings.TrimSpace(s))); k {
	case ExportJSON, ExportCSV, ExportAnki, ExportApkg:
		return k, nil
	}
	return "", Errorf(ErrInvalid, "The export format must be json, csv, anki or apkg, not %q", s)
}

// ContentType is the media type of an export of this kind.
func (k ExportKind) ContentType() string {
	switch k {
	case ExportCSV:
		return "application/zip"
	case ExportAnki:
		return "text/tab-separated-values; charset=utf-8"
	case ExportApkg:
		return ApkgContentType
	}
	return "application/json"
}

// FileName is what a download of this kind is called.
func (k ExportKind) FileName(user string, day time.Time) string {
	base := "flashcards-" + user + "-" + day.UTC().Format(time.DateOnly)
	switch k {
	case ExportCSV:
		return base + ".zip"
	case ExportAnki:
		return base + "-anki.tsv"
	case ExportApkg:
		return ApkgFileName(user, day)
	}
	return base + ".json"
}

// Export writes the user's data in the given format to w. Every format is
// written row by row from one read transaction, so the server's memory does
// not grow with the size of the history and the export is one consistent
// snapshot. A failure part way leaves w holding a truncated file, which a
// restore refuses.
func (s *Store) Export(ctx context.Context, userID int64, kind ExportKind, w io.Writer) error {
	switch kind {
	case ExportJSON:
		return s.ExportJSON(ctx, userID, w)
	case ExportCSV:
		return s.ExportCSV(ctx, userID, w)
	case ExportAnki:
		return s.ExportAnki(ctx, userID, w)
	case ExportApkg:
		return s.ExportApkg(ctx, userID, w)
	}
	_, err := ParseExportKind(string(kind))
	return err
}

// ---- the JSON document ----

// The document's types, encoder and decoder are data/exportdoc's; the
// store reads its rows into them here and writes them back in restore.go.

// newExportSettings is the "settings" member of a user's export.
func newExportSettings(st Settings, iv InterviewSettings) exportdoc.Settings {
	out := exportdoc.Settings{Timezone: st.Timezone, RolloverHour: st.RolloverHour, NewPerDay: st.NewPerDay,
		ReviewsPerDay: st.ReviewsPerDay, TypeAnswers: st.TypeAnswers,
		FinalDays: &iv.FinalDays, NewCardsOnTime: &iv.NewOnTime}
	scope := append([]string{}, iv.Scope...)
	out.InterviewScope = &scope
	if iv.HasDate {
		d := iv.Date
		out.InterviewDate = &d
	}
	return out
}

// MasteryTableRow is one category of the mastery table as /api/v1/mastery
// and exports show it.
type MasteryTableRow struct {
	Slug         string   `json:"slug"`
	Name         string   `json:"name"`
	Cards        int      `json:"cards"`
	New          int      `json:"new"`
	Learning     int      `json:"learning"`
	Young        int      `json:"young"`
	Mature       int      `json:"mature"`
	Mastery      float64  `json:"mastery"`
	Recall30     *float64 `json:"recall_30d"`
	Lapses       int      `json:"lapses"`
	AvgEase      *float64 `json:"avg_ease"`
	LastReviewed *string  `json:"last_reviewed"`
	MostMissed   []string `json:"most_missed"`
	// Started: any card reviewed; RecallNow: their mean predicted recall
	// today, 0..100, null when none; AtRisk: how many are below 80 %.
	Started   bool     `json:"started"`
	RecallNow *float64 `json:"recall_now"`
	AtRisk    int      `json:"at_risk"`
}

// MasteryTable is the mastery report in its JSON form.
type MasteryTable struct {
	Categories []MasteryTableRow `json:"categories"`
	Weakest    *string           `json:"weakest"`
	// NotStarted lists the slugs of the categories with cards none of
	// which was reviewed yet: never the weakest, whatever their mastery.
	NotStarted []string `json:"not_started"`
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// Table is the report in its JSON form: percentages rounded to hundredths,
// null where there is nothing to measure.
func (rep MasteryReport) Table() MasteryTable {
	out := MasteryTable{Categories: make([]MasteryTableRow, len(rep.Categories)), NotStarted: []string{}}
	if rep.Weakest != "" {
		w := rep.Weakest
		out.Weakest = &w
	}
	for i, c := range rep.Categories {
		m := MasteryTableRow{Slug: c.Slug, Name: c.Name, Cards: c.Cards, New: c.New, Learning: c.Learning,
			Young: c.Young, Mature: c.Mature, Mastery: round2(c.Mastery), Lapses: c.Lapses, MostMissed: []string{}}
		if c.HasRecall {
			r := round2(c.Recall30)
			m.Recall30 = &r
		}
		if c.AvgEase > 0 {
			e := round2(c.AvgEase)
			m.AvgEase = &e
		}
		if c.HasReviewed {
			d := c.LastReviewed.String()
			m.LastReviewed = &d
		}
		for _, p := range c.MostMissed {
			m.MostMissed = append(m.MostMissed, p.Text)
		}
		m.Started, m.AtRisk = c.Started, c.AtRisk
		if c.Started {
			r := round2(c.RecallNow)
			m.RecallNow = &r
		} else if c.Cards > 0 {
			out.NotStarted = append(out.NotStarted, c.Slug)
		}
		out.Categories[i] = m
	}
	return out
}

// ExportJSON writes the user's whole account as one JSON document (see
// docs/export.md): settings, categories, decks, cards with their state, the
// whole review log and the mastery table. Cards and reviews are encoded
// one row at a time as the query yields them.
func (s *Store) ExportJSON(ctx context.Context, userID int64, w io.Writer) error {
	return s.read(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = ?", userID).Scan(&name); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("user: %w", ErrNotFound)
			}
			return err
		}
		st, err := userSettings(ctx, tx, userID)
		if err != nil {
			return err
		}
		iv, err := interviewSettings(ctx, tx, userID)
		if err != nil {
			return err
		}
		if iv.Scope, err = exportedScope(ctx, tx, userID, iv.Scope); err != nil {
			return err
		}
		rep, err := s.masteryIn(ctx, tx, userID)
		if err != nil {
			return err
		}
		enc := exportdoc.NewEncoder(w)
		if err := enc.Begin(s.now(), exportdoc.User{Name: name}, newExportSettings(st, iv)); err != nil {
			return err
		}
		if err := exportCategories(ctx, tx, userID, enc.Category); err != nil {
			return err
		}
		if err := exportDecks(ctx, tx, userID, enc.Deck); err != nil {
			return err
		}
		if err := exportCards(ctx, tx, userID, enc.Card); err != nil {
			return err
		}
		err = exportReviews(ctx, tx, userID, func(r *exportdoc.Review, _ string) error { return enc.Review(r) })
		if err != nil {
			return err
		}
		if err := exportMediaJSON(ctx, tx, userID, enc); err != nil {
			return err
		}
		return enc.Finish(rep.Table())
	})
}

// exportedScope is the interview's scope without the categories an
// unfinished import made: the export leaves them out, and a scope naming
// a category the file lacks would not restore.
func exportedScope(ctx context.Context, tx *sql.Tx, userID int64, scope []string) ([]string, error) {
	if len(scope) == 0 {
		return scope, nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT slug FROM categories WHERE user_id = ?1 AND id IN "+madeByPendingImport("categories", "?1"), userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	pending := map[string]bool{}
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			return nil, err
		}
		pending[slug] = true
	}
	return slices.DeleteFunc(scope, func(slug string) bool { return pending[slug] }), rows.Err()
}

func exportCategories(ctx context.Context, tx *sql.Tx, userID int64, fn func(exportdoc.Category) error) error {
	rows, err := tx.QueryContext(ctx, `SELECT slug, name, description, builtin FROM categories
		WHERE user_id = ?1 AND id NOT IN `+madeByPendingImport("categories", "?1")+` ORDER BY builtin DESC, slug = 'uncategorized', id`, userID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c exportdoc.Category
		if err := rows.Scan(&c.Slug, &c.Name, &c.Description, &c.Builtin); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

func exportDecks(ctx context.Context, tx *sql.Tx, userID int64, fn func(exportdoc.Deck) error) error {
	rows, err := tx.QueryContext(ctx, "SELECT name, builtin FROM decks WHERE user_id = ?1 AND id NOT IN "+madeByPendingImport("decks", "?1")+
		" ORDER BY name, id", userID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var d exportdoc.Deck
		if err := rows.Scan(&d.Name, &d.Builtin); err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exportTime rewrites a stored time as RFC 3339 in UTC.
func exportTime(stored string) (string, error) {
	t, err := parseTime(stored)
	if err != nil {
		return "", fmt.Errorf("stored time %q: %w", stored, err)
	}
	return t.UTC().Format(time.RFC3339Nano), nil
}

// exportCards calls fn for each of the user's cards in the order they were
// added, those in the trash left out. The card passed is reused: fn must not keep it. The query walks
// the table in id order over the user's range of ids ("+" keeps SQLite off
// the user index), so SQLite need not sort, and hold, all the cards.
func exportCards(ctx context.Context, tx *sql.Tx, userID int64, fn func(*exportdoc.Card) error) error {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.key, d.name, cat.slug, c.front, c.back, c.key_points, c.synonyms,
		c.source, c.suspended, c.edited, c.created_at, c.updated_at,
		s.repetitions, s.interval, s.ease, s.due, s.lapses, s.last_day, c.cloze, COALESCE(c.note_id, 0), `+tagsColumn+`
		FROM cards c
		JOIN decks d ON d.id = c.deck_id
		JOIN categories cat ON cat.id = c.category_id
		JOIN card_state s ON s.card_id = c.id
		WHERE c.id BETWEEN (SELECT MIN(id) FROM cards WHERE user_id = ?1) AND (SELECT MAX(id) FROM cards WHERE user_id = ?1)
		AND c.id < `+visibleBelow("?1")+` AND +c.user_id = ?1 AND s.trashed = 0
		ORDER BY c.id`, userID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var c exportdoc.Card
	for rows.Next() {
		var kps, syn, created, updated, tags string
		var due, last sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Key, &c.Deck, &c.Category, &c.Front, &c.Back, &kps, &syn,
			&c.Source, &c.Suspended, &c.Edited, &created, &updated,
			&c.State.Repetitions, &c.State.Interval, &c.State.Ease, &due, &c.State.Lapses, &last, &c.Cloze, &c.Note, &tags); err != nil {
			return err
		}
		c.Tags = scanTags(tags)
		c.KeyPoints, c.Synonyms = []string{}, map[string][]string{}
		if err := json.Unmarshal([]byte(kps), &c.KeyPoints); err != nil {
			return fmt.Errorf("card %d key points: %w", c.ID, err)
		}
		if err := json.Unmarshal([]byte(syn), &c.Synonyms); err != nil {
			return fmt.Errorf("card %d synonyms: %w", c.ID, err)
		}
		if c.KeyPoints == nil {
			c.KeyPoints = []string{}
		}
		if c.Synonyms == nil {
			c.Synonyms = map[string][]string{}
		}
		if c.CreatedAt, err = exportTime(created); err != nil {
			return fmt.Errorf("card %d: %w", c.ID, err)
		}
		if c.UpdatedAt, err = exportTime(updated); err != nil {
			return fmt.Errorf("card %d: %w", c.ID, err)
		}
		c.State.Due, c.State.LastDay = nullDay(due), nullDay(last)
		if err := fn(&c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exportReviews calls fn for each of the user's reviews in the order they
// were given, study day by study day, with the slug of the card's category;
// the reviews of cards in the trash are left out. The review passed is
// reused: fn must not keep it. Each study day is its own indexed query, so
// SQLite sorts one day's reviews at a time, never the whole log.
func exportReviews(ctx context.Context, tx *sql.Tx, userID int64, fn func(*exportdoc.Review, string) error) error {
	var days []int64
	rows, err := tx.QueryContext(ctx, "SELECT DISTINCT study_day FROM reviews WHERE user_id = ?1 AND card_id < "+visibleBelow("?1")+" ORDER BY study_day", userID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			rows.Close()
			return err
		}
		days = append(days, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `SELECT r.card_id, r.reviewed_at, r.study_day, r.grade, r.counted, r.answer_ms,
		r.before_repetitions, r.before_interval, r.before_ease, r.before_due, r.before_lapses, r.before_last_day,
		r.after_repetitions, r.after_interval, r.after_ease, r.after_due, r.after_lapses,
		r.typed_answer, r.covered, cat.slug, r.kind
		FROM reviews r JOIN categories cat ON cat.id = r.category_id
		WHERE r.user_id = ?1 AND r.study_day = ?2 AND r.card_id < `+visibleBelow("?1")+`
			AND r.card_id NOT IN (SELECT card_id FROM card_state WHERE user_id = ?1 AND trashed = 1)
		ORDER BY r.id`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	var r exportdoc.Review
	for _, day := range days {
		if err := exportReviewsOf(ctx, stmt, userID, day, &r, fn); err != nil {
			return err
		}
	}
	return nil
}

func exportReviewsOf(ctx context.Context, stmt *sql.Stmt, userID, day int64, r *exportdoc.Review, fn func(*exportdoc.Review, string) error) error {
	rows, err := stmt.QueryContext(ctx, userID, day)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var at, covered, category string
		var studyDay int64
		var beforeDue, beforeLast, afterDue sql.NullInt64
		if err := rows.Scan(&r.CardID, &at, &studyDay, &r.Grade, &r.Counted, &r.AnswerMS,
			&r.Before.Repetitions, &r.Before.Interval, &r.Before.Ease, &beforeDue, &r.Before.Lapses, &beforeLast,
			&r.After.Repetitions, &r.After.Interval, &r.After.Ease, &afterDue, &r.After.Lapses,
			&r.TypedAnswer, &covered, &category, &r.Kind); err != nil {
			return err
		}
		if r.Time, err = exportTime(at); err != nil {
			return fmt.Errorf("review of card %d: %w", r.CardID, err)
		}
		r.StudyDay = srs.Day(studyDay)
		r.Before.Due, r.Before.LastDay, r.After.Due = nullDay(beforeDue), nullDay(beforeLast), nullDay(afterDue)
		r.Covered = nil
		if covered != "" {
			r.Covered = &exportdoc.Coverage{}
			if err := json.Unmarshal([]byte(covered), r.Covered); err != nil {
				return fmt.Errorf("review of card %d coverage: %w", r.CardID, err)
			}
			if r.Covered.Covered == nil {
				r.Covered.Covered = []string{}
			}
			if r.Covered.Missed == nil {
				r.Covered.Missed = []string{}
			}
		}
		if err := fn(r, category); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ---- CSV tables in a zip ----

// csvBOM starts every CSV file: without it Excel reads UTF-8 as the
// machine's legacy code page and garbles every accent and dash.
const csvBOM = "\uFEFF"

// csvCell guards a text cell against formula injection: a spreadsheet
// runs a cell starting with = + - @ (or a tab or carriage return, which
// some strip first) as a formula, so such cells get a leading apostrophe,
// which spreadsheets show as text. Only text from cards and answers goes
// through it; numbers and dates the export writes itself are left alone.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func csvDay(d *srs.Day) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func csvBool(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func csvFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// The CSV tables' columns, documented in docs/export.md.
var (
	csvCardColumns = []string{"id", "key", "deck", "category", "front", "back", "key_points", "source", "suspended",
		"edited", "repetitions", "interval", "ease", "due", "lapses", "last_day", "created_at", "updated_at", "tags"}
	csvReviewColumns = []string{"time", "study_day", "card_id", "category", "grade", "counted", "answer_ms",
		"before_repetitions", "before_interval", "before_ease", "before_due", "before_lapses", "before_last_day",
		"after_repetitions", "after_interval", "after_ease", "after_due", "after_lapses",
		"typed_answer", "covered", "missed", "kind"}
	csvMasteryColumns = []string{"category", "name", "cards", "new", "learning", "young", "mature", "mastery",
		"recall_30d", "lapses", "avg_ease", "last_reviewed", "most_missed", "weakest"}
)

// ExportCSV writes a zip holding cards.csv, reviews.csv and mastery.csv,
// each UTF-8 with a byte order mark, a header row and RFC 4180 quoting.
func (s *Store) ExportCSV(ctx context.Context, userID int64, w io.Writer) error {
	return s.read(ctx, func(tx *sql.Tx) error {
		if _, err := userSettings(ctx, tx, userID); err != nil {
			return err
		}
		rep, err := s.masteryIn(ctx, tx, userID)
		if err != nil {
			return err
		}
		modified := s.now()
		zw := zip.NewWriter(w)
		table := func(name string, header []string, rows func(cw *csv.Writer) error) error {
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
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
		err = table("cards.csv", csvCardColumns, func(cw *csv.Writer) error {
			rec := make([]string, len(csvCardColumns))
			return exportCards(ctx, tx, userID, func(c *exportdoc.Card) error {
				rec = append(rec[:0], strconv.FormatInt(c.ID, 10), csvCell(c.Key), csvCell(c.Deck), c.Category,
					csvCell(c.Front), csvCell(c.Back), csvCell(strings.Join(c.KeyPoints, "\n")), csvCell(c.Source),
					csvBool(c.Suspended), csvBool(c.Edited),
					strconv.Itoa(c.State.Repetitions), strconv.Itoa(c.State.Interval), strconv.Itoa(c.State.Ease),
					csvDay(c.State.Due), strconv.Itoa(c.State.Lapses), csvDay(c.State.LastDay), c.CreatedAt, c.UpdatedAt,
					csvCell(strings.Join(c.Tags, " ")))
				return cw.Write(rec)
			})
		})
		if err != nil {
			return err
		}
		err = table("reviews.csv", csvReviewColumns, func(cw *csv.Writer) error {
			rec := make([]string, len(csvReviewColumns))
			return exportReviews(ctx, tx, userID, func(r *exportdoc.Review, category string) error {
				var covered, missed string
				if r.Covered != nil {
					covered, missed = strings.Join(r.Covered.Covered, "\n"), strings.Join(r.Covered.Missed, "\n")
				}
				rec = append(rec[:0], r.Time, r.StudyDay.String(), strconv.FormatInt(r.CardID, 10), category,
					strconv.Itoa(r.Grade), csvBool(r.Counted), strconv.Itoa(r.AnswerMS),
					strconv.Itoa(r.Before.Repetitions), strconv.Itoa(r.Before.Interval), strconv.Itoa(r.Before.Ease),
					csvDay(r.Before.Due), strconv.Itoa(r.Before.Lapses), csvDay(r.Before.LastDay),
					strconv.Itoa(r.After.Repetitions), strconv.Itoa(r.After.Interval), strconv.Itoa(r.After.Ease),
					csvDay(r.After.Due), strconv.Itoa(r.After.Lapses),
					csvCell(r.TypedAnswer), csvCell(covered), csvCell(missed), r.Kind)
				return cw.Write(rec)
			})
		})
		if err != nil {
			return err
		}
		err = table("mastery.csv", csvMasteryColumns, func(cw *csv.Writer) error {
			m := rep.Table()
			for _, c := range m.Categories {
				last := ""
				if c.LastReviewed != nil {
					last = *c.LastReviewed
				}
				weakest := m.Weakest != nil && *m.Weakest == c.Slug
				if err := cw.Write([]string{c.Slug, csvCell(c.Name), strconv.Itoa(c.Cards), strconv.Itoa(c.New),
					strconv.Itoa(c.Learning), strconv.Itoa(c.Young), strconv.Itoa(c.Mature),
					strconv.FormatFloat(c.Mastery, 'f', -1, 64), csvFloat(c.Recall30), strconv.Itoa(c.Lapses),
					csvFloat(c.AvgEase), last, csvCell(strings.Join(c.MostMissed, "\n")), csvBool(weakest)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		return zw.Close()
	})
}

// ---- Anki ----

// ExportAnki writes the user's cards as a tab-separated file Anki's
// "Import File" reads: front, back, and the category slug as a tag, after
// the header lines that tell Anki so. Fields holding a tab, a newline or a
// quote are quoted, which Anki's importer understands. There is no
// formula guard here: Anki is no spreadsheet, and it would show the
// apostrophe on the card.
func (s *Store) ExportAnki(ctx context.Context, userID int64, w io.Writer) error {
	return s.read(ctx, func(tx *sql.Tx) error {
		if _, err := userSettings(ctx, tx, userID); err != nil {
			return err
		}
		bw := bufio.NewWriterSize(w, 64<<10)
		if _, err := bw.WriteString("#separator:tab\n#html:false\n#tags column:3\n"); err != nil {
			return err
		}
		cw := csv.NewWriter(bw)
		cw.Comma = '\t'
		rec := make([]string, 3)
		err := exportCards(ctx, tx, userID, func(c *exportdoc.Card) error {
			rec[0], rec[1], rec[2] = c.Front, c.Back, strings.Join(append([]string{c.Category}, anki.TagNames(c.Tags)...), " ")
			return cw.Write(rec)
		})
		if err != nil {
			return err
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return bw.Flush()
	})
}
