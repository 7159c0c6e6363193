package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
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

// MasteryTableRow and MasteryTable are the mastery report in its JSON
// form (data/exportdoc), as /api/v1/mastery and the exports show it.
type (
	MasteryTableRow = exportdoc.MasteryRow
	MasteryTable    = exportdoc.MasteryTable
)

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

// ExportCSV writes a zip holding cards.csv, reviews.csv and mastery.csv
// (exportdoc.Tables).
func (s *Store) ExportCSV(ctx context.Context, userID int64, w io.Writer) error {
	return s.read(ctx, func(tx *sql.Tx) error {
		if _, err := userSettings(ctx, tx, userID); err != nil {
			return err
		}
		rep, err := s.masteryIn(ctx, tx, userID)
		if err != nil {
			return err
		}
		t := exportdoc.NewTables(w, s.now())
		if err := t.Cards(func(row func(*exportdoc.Card) error) error { return exportCards(ctx, tx, userID, row) }); err != nil {
			return err
		}
		if err := t.Reviews(func(row func(*exportdoc.Review, string) error) error { return exportReviews(ctx, tx, userID, row) }); err != nil {
			return err
		}
		if err := t.Mastery(rep.Table()); err != nil {
			return err
		}
		return t.Close()
	})
}

// ---- Anki ----

// ExportAnki writes the user's cards as a tab-separated file Anki's
// "Import File" reads (anki.TextWriter): front, back, and the category
// slug and the card's tags as the note's tags.
func (s *Store) ExportAnki(ctx context.Context, userID int64, w io.Writer) error {
	return s.read(ctx, func(tx *sql.Tx) error {
		if _, err := userSettings(ctx, tx, userID); err != nil {
			return err
		}
		tw, err := anki.NewTextWriter(w)
		if err != nil {
			return err
		}
		err = exportCards(ctx, tx, userID, func(c *exportdoc.Card) error {
			return tw.Card(c.Front, c.Back, append([]string{c.Category}, c.Tags...))
		})
		if err != nil {
			return err
		}
		return tw.Close()
	})
}
